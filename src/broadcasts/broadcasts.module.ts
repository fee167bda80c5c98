import { AudienceModule } from '../audience/audience.module';
import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessengerModule } from '../messenger/messenger.module';
import { OptinsModule } from '../optins/optins.module';
import { PagesModule } from '../pages/pages.module';
import { ResultsModule } from '../results/results.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { BroadcastGraphClient, broadcastGraphClientProvider } from './broadcast-graph-client';
import { BroadcastScheduler } from './broadcast-scheduler';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { BroadcastWorker } from './broadcast-worker';
import { CampaignProgressStreamController } from './campaign-progress-stream.controller';
import { CampaignSignals } from './campaign-signals';
import { CampaignWarmUp } from './campaign-warm-up';
import { CampaignsController } from './campaigns.controller';
import { CampaignsService } from './campaigns.service';
import { DeliveryClaimer } from './delivery-claimer';
import { MarketingWebhooksListener } from './marketing-webhooks.listener';
import { MetaCampaignSync } from './meta-campaign-sync';
import { RecurringCampaigns } from './recurring-campaigns';
import { PagePacer, SystemWallTime, WallTime } from './page-pacer';

/**
 * Broadcasts: campaigns to a topic's subscribers through the Marketing Message API. Owns campaigns,
 * campaign_deliveries, daily_sends and page_broadcast_settings. The worker loops run only in
 * processes with the `worker` role; BroadcastWorker's tick() and runPass() are public for tests and tools.
 */
@Module({
  imports: [AudienceModule, ShopsModule, PagesModule, TopicsModule, OptinsModule, MessengerModule, ResultsModule],
  controllers: [CampaignsController, CampaignProgressStreamController],
  providers: [
    broadcastGraphClientProvider,
    { provide: WallTime, useClass: SystemWallTime },
    BroadcastSettingsService,
    PagePacer,
    CampaignSignals,
    CampaignWarmUp,
    MetaCampaignSync,
    CampaignsService,
    DeliveryClaimer,
    BroadcastScheduler,
    RecurringCampaigns,
    BroadcastWorker,
    MarketingWebhooksListener,
  ],
  exports: [CampaignsService, BroadcastWorker, MetaCampaignSync, CampaignWarmUp],
})
export class BroadcastsModule implements OnApplicationShutdown {
  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationShutdown(): void {
    this.moduleRef.get(BroadcastGraphClient).close();
  }
}
