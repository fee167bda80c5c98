import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { OutgoingMessage } from '../../libs/graph-api/src';
import { toOutgoingMessage, type CampaignContent } from '../broadcasts/campaign-content';
import { InjectConfig } from '../common/app-config.provider';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { linkCode } from './link-codes';
import { ResultsSettingsService } from './results-settings.service';
import { trackedLinks, withRedirects } from './tracked-content';

/** Builds each recipient's message: the variant's content with its tracked links pointing at the redirect. */
export interface MessageBuilder {
  /** `variant`: the delivery's A/B variant (null or 0: the campaign's own content). Throws RangeError as the Graph builders do. */
  build(variant: number | null, deliveryId: string): OutgoingMessage;
}

/** The public path of the redirect (see LinkRedirectController). */
export const REDIRECT_PATH = 'r';

/**
 * The contents a campaign sends (its own, and its A/B variants) and the per-recipient redirect URLs of
 * their links: `<PUBLIC_URL>/r/<code>`, the code unique per delivery and link (link-codes.ts). Meta
 * receives the redirect URL as the `web_url` button's (or default action's) `url`: a plain https URL of
 * ours, no placeholder (Meta resolves none in buttons, platform doc §5), well under the 2,000 characters.
 */
@Injectable()
export class CampaignMessages {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly settings: ResultsSettingsService,
  ) {}

  /** The campaign's contents by variant index (0 = its own content). */
  async contents(campaignId: string, own: CampaignContent): Promise<CampaignContent[]> {
    const [row] = (await this.dataSource.query('SELECT variants FROM campaign_ab_tests WHERE campaign_id = ?', [campaignId])) as Array<{
      variants: string;
    }>;
    return [own, ...(row ? (JSON.parse(row.variants) as CampaignContent[]) : [])];
  }

  /**
   * Prepares the builder for a campaign's drain. Throws RangeError (naming the field) when a content
   * cannot be built, before any row is claimed, as the worker expects.
   */
  async forCampaign(campaignId: string, own: CampaignContent): Promise<MessageBuilder> {
    const contents = await this.contents(campaignId, own);
    // Built once here (a content without tracked links is the same message for everyone, as before).
    const plain = contents.map((content) => toOutgoingMessage(content));
    const tracked = contents.map((content) => trackedLinks(content).length > 0);
    const secret = tracked.some(Boolean) ? await this.settings.linkSecret(campaignId) : '';
    const base = `${this.config.publicUrl}/${REDIRECT_PATH}/`;
    return {
      build: (variant, deliveryId) => {
        const index = variant !== null && variant > 0 && variant < contents.length ? variant : 0;
        const content = contents[index]!;
        if (!tracked[index]) return plain[index]!;
        return toOutgoingMessage(withRedirects(content, (linkIndex) => base + linkCode(secret, { deliveryId, linkIndex })));
      },
    };
  }
}
