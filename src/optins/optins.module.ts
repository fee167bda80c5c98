import { Module } from '@nestjs/common';
import { MessengerModule } from '../messenger/messenger.module';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { OptinRequestsController } from './optin-requests.controller';
import { OptinWebhookListener } from './optin-webhook.listener';
import { OptinPolicy } from './optin.policy';
import { OptinService } from './optin.service';
import { SubscriberImportService } from './subscriber-import.service';
import { SubscriberReconcileJob } from './subscriber-reconcile.job';
import { SubscribersController } from './subscribers.controller';
import { SubscriptionsService } from './subscriptions.service';
import { MetaUnsubscriber } from './meta-unsubscriber';
import { UnsubscribeService } from './unsubscribe.service';

/**
 * Opt-in requests (policy + sending) and the subscriptions they produce. Others send the MM button with
 * OptinService.request, ask OptinPolicy, and report send outcomes with SubscriptionsService.markFromSend.
 */
@Module({
  imports: [ShopsModule, PagesModule, TopicsModule, MessengerModule],
  controllers: [OptinRequestsController, SubscribersController],
  providers: [
    OptinPolicy,
    OptinService,
    SubscriptionsService,
    OptinWebhookListener,
    SubscriberImportService,
    UnsubscribeService,
    MetaUnsubscriber,
    SubscriberReconcileJob,
  ],
  exports: [OptinService, OptinPolicy, SubscriptionsService, SubscriberImportService],
})
export class OptinsModule {}
