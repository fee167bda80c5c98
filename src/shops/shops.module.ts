import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ShopsService } from './shops.service';

/** Tenants and their API keys. Other modules use ApiKeyGuard + @CurrentShop() on their controllers. */
@Module({
  controllers: [ApiKeysController],
  providers: [ShopsService, ApiKeyGuard, AuthFailureLimiter],
  exports: [ShopsService, ApiKeyGuard, AuthFailureLimiter],
})
export class ShopsModule {}
