import { Module } from '@nestjs/common';
import { AudienceModule } from '../audience/audience.module';
import { CampaignEvents } from '../broadcasts/campaign-events';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { AbTestsService } from './ab-tests.service';
import { AttributionService } from './attribution.service';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignMessages } from './campaign-messages';
import { CampaignResultsService } from './campaign-results.service';
import { LinkClicksService } from './link-clicks.service';
import { LinkRedirectController } from './link-redirect.controller';
import { OptOutGuard } from './opt-out-guard';
import { ResultsController } from './results.controller';
import { ResultsJobs } from './results-jobs';
import { ResultsSettingsService } from './results-settings.service';

/**
 * Campaign results: link tracking (the public redirect), attribution of orders, opt-out
 * auto-pause, A/B tests and time-bucketed figures. Owns results_settings, campaign_results_settings,
 * campaign_link_clicks, campaign_attributions, campaign_ab_tests and campaign_deliveries.variant.
 * Exports what Broadcasts (each recipient's message, the A/B split at fan-out) and PosNotifications
 * (attribution of an accepted order event) call.
 */
@Module({
  imports: [ShopsModule, PagesModule, AudienceModule],
  controllers: [ResultsController, LinkRedirectController],
  providers: [
    ResultsSettingsService,
    CampaignMessages,
    LinkClicksService,
    AttributionService,
    AbTestsService,
    OptOutGuard,
    CampaignFiguresService,
    CampaignResultsService,
    ResultsJobs,
    // Provided here (it needs the global DomainEvents and the audience) so the opt-out pause announces
    // campaign.paused like every other pause; Broadcasts, which imports this module, uses the same one.
    CampaignEvents,
  ],
  exports: [CampaignMessages, AbTestsService, AttributionService, CampaignEvents],
})
export class ResultsModule {}
