import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ShopsController } from './shops.controller';
import { ShopsService } from './shops.service';

/** Tenants (name, locale, currency) and their API keys. Other modules use ApiKeyGuard + @CurrentShop() on their controllers. */
@Module({
  controllers: [ShopsController],
  providers: [ShopsService, ApiKeyGuard],
  exports: [ShopsService, ApiKeyGuard],
})
export class ShopsModule {}
