import { Module } from '@nestjs/common';
import { AudienceModule } from '../audience/audience.module';
import { MessengerModule } from '../messenger/messenger.module';
import { OptinsModule } from '../optins/optins.module';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { FlowSteps } from './runs/flow-steps';
import { RunProgress } from './runs/run-progress';
import { RunStepClaimer } from './runs/run-step-claimer';
import { SequenceRuns } from './runs/sequence-runs.service';
import { SequenceWorker } from './runs/sequence-worker';
import { StepSender } from './runs/step-sender';
import { SequencesController } from './sequences.controller';
import { SequencesService } from './sequences.service';

/**
 * Sequences of steps per Page, and their durable runs. Others look a sequence up (SequencesService),
 * start runs inside their own transaction (SequenceRuns.startIn), and tests drive the worker (SequenceWorker.runDue).
 */
@Module({
  imports: [ShopsModule, PagesModule, MessengerModule, TopicsModule, OptinsModule, AudienceModule],
  controllers: [SequencesController],
  providers: [SequencesService, SequenceRuns, SequenceWorker, RunStepClaimer, RunProgress, StepSender, FlowSteps],
  exports: [SequencesService, SequenceRuns, SequenceWorker, FlowSteps],
})
export class SequencesModule {}
