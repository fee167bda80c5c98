import { AudienceModule } from '../audience/audience.module';
import { Module } from '@nestjs/common';
import { MessengerModule } from '../messenger/messenger.module';
import { PagesModule } from '../pages/pages.module';
import { ResultsModule } from '../results/results.module';
import { SequencesModule } from '../sequences/sequences.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { OrderEventsController } from './order-events.controller';
import { OrderEventsService } from './order-events.service';
import { PosOrderEventsListener } from './pos-order-events.listener';
import { RuleStatsService } from './rule-stats.service';
import { RulesController } from './rules.controller';
import { RulesService } from './rules.service';

/**
 * POS notification rules and the order-event ingress (HTTP, and `PosOrderEvents.StatusChanged` on the
 * emitter for an embedding POS). Exports that event's handler, which MarketingMessagesService calls for a host.
 */
@Module({
  imports: [AudienceModule, ShopsModule, PagesModule, MessengerModule, TopicsModule, SequencesModule, ResultsModule],
  controllers: [RulesController, OrderEventsController],
  providers: [RulesService, RuleStatsService, OrderEventsService, PosOrderEventsListener],
  exports: [PosOrderEventsListener],
})
export class PosNotificationsModule {}
