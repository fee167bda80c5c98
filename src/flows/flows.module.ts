import { Module } from '@nestjs/common';
import { MessengerModule } from '../messenger/messenger.module';
import { PagesModule } from '../pages/pages.module';
import { SequencesModule } from '../sequences/sequences.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { FlowTriggers } from './flow-triggers.listener';
import { FlowsController } from './flows.controller';
import { FlowsService } from './flows.service';
import { MessageAnswers } from './message-answers';

/**
 * Flows: versioned graphs of message nodes, run by the sequences' durable run machinery (FlowSteps).
 * Others look flows up (FlowsService) and claim the one answer a message gets (MessageAnswers).
 */
@Module({
  imports: [ShopsModule, PagesModule, MessengerModule, TopicsModule, SequencesModule],
  controllers: [FlowsController],
  providers: [FlowsService, FlowTriggers, MessageAnswers],
  exports: [FlowsService, MessageAnswers],
})
export class FlowsModule {}
