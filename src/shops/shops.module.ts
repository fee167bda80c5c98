import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ShopsService } from './shops.service';

/** Tenants and their API keys. Other modules use ApiKeyGuard + @CurrentShop() on their controllers. */
@Module({
  providers: [ShopsService, ApiKeyGuard],
  exports: [ShopsService, ApiKeyGuard],
})
export class ShopsModule {}
