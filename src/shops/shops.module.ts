import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysController } from './api-keys.controller';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { ShopsController } from './shops.controller';
import { ShopsService } from './shops.service';

/** Tenants (name, locale, currency) and their API keys. Other modules use ApiKeyGuard + @CurrentShop() on their controllers. */
@Module({
  controllers: [ApiKeysController, ShopsController],
  providers: [ShopsService, ApiKeyGuard, AuthFailureLimiter],
  exports: [ShopsService, ApiKeyGuard, AuthFailureLimiter],
})
export class ShopsModule {}
