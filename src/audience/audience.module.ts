import { Module } from '@nestjs/common';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { AudienceController } from './audience.controller';
import { AudienceService } from './audience.service';
import { CustomerOrderBook } from './customer-order-book';

/**
 * Audience: per-customer order summaries (kept by CustomerOrderBook inside the order event's transaction),
 * customer tags, saved segments and the audience count. Owns customer_orders, customer_order_summaries,
 * customer_purchases, customer_tags and segments. Exports the order book (PosNotifications writes it; flows'
 * `has_ordered` asks it) and the audience service (Broadcasts: a campaign's segment, its count and its fan-out filter).
 */
@Module({
  imports: [ShopsModule, PagesModule, TopicsModule],
  controllers: [AudienceController],
  providers: [AudienceService, CustomerOrderBook],
  exports: [AudienceService, CustomerOrderBook],
})
export class AudienceModule {}
