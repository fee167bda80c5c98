import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CampaignContent } from '../broadcasts/campaign-content';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { CampaignMessages } from './campaign-messages';
import { parseLinkCode, verifyLinkCode } from './link-codes';
import { ResultsSettingsService } from './results-settings.service';
import { trackedLinks } from './tracked-content';
import { withUtm } from './utm';
import { campaignIdIn } from './campaign-scope';
import type { LinkClicks } from './results-shapes';

/**
 * The redirect's side of link tracking: resolves a code to the shop's URL (with the campaign's UTM
 * parameters) and records the click per delivery and link (`campaign_link_clicks`, primary key
 * (delivery_id, link_index): first click time kept, count incremented, safe for any number of
 * processes). A click also proves the message was delivered and read, as Meta's click webhook does.
 */
@Injectable()
export class LinkClicksService {
  private readonly logger = new Logger(LinkClicksService.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ResultsSettingsService,
    private readonly messages: CampaignMessages,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Where a code leads, or undefined for a code that is malformed, forged, or names no link of ours.
   * `record: false` (link previews, crawlers, HEAD) resolves without counting a click.
   */
  async follow(code: string, record: boolean): Promise<string | undefined> {
    const parsed = parseLinkCode(code);
    if (!parsed) return undefined;
    const [row] = (await this.dataSource.query(
      `SELECT d.campaign_id, d.variant, c.shop_id, c.content, rs.link_secret
         FROM campaign_deliveries d JOIN campaigns c ON c.id = d.campaign_id
         JOIN campaign_results_settings rs ON rs.campaign_id = d.campaign_id
        WHERE d.id = ?`,
      [parsed.deliveryId],
    )) as Array<{ campaign_id: string; variant: number | null; shop_id: string; content: string; link_secret: string }>;
    if (!row || !verifyLinkCode(row.link_secret, parsed)) return undefined;
    const contents = await this.messages.contents(row.campaign_id, JSON.parse(row.content) as CampaignContent);
    const variant = row.variant !== null && Number(row.variant) < contents.length ? Number(row.variant) : 0;
    const link = trackedLinks(contents[variant]!)[parsed.linkIndex];
    if (!link) return undefined;
    const { utm } = await this.settings.effective(row.shop_id, row.campaign_id);
    if (record) {
      // The customer's way to the shop matters more than our count: a failed write is logged, not shown.
      await this.record(parsed.deliveryId, parsed.linkIndex, row.campaign_id).catch((error: unknown) =>
        this.logger.error({ msg: 'link click not recorded', deliveryId: parsed.deliveryId, error: String(error) }),
      );
    }
    return withUtm(link.url, utm);
  }

  private async record(deliveryId: string, linkIndex: number, campaignId: string): Promise<void> {
    const now = this.dialect.time(this.clock.now());
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO campaign_link_clicks (delivery_id, link_index, campaign_id, first_clicked_at, last_clicked_at, clicks)
       VALUES (?, ?, ?, ?, ?, 0)`,
      [deliveryId, linkIndex, campaignId, now, now],
    );
    await this.dataSource.query(
      `UPDATE campaign_link_clicks SET clicks = clicks + 1,
         first_clicked_at = CASE WHEN first_clicked_at > ? THEN ? ELSE first_clicked_at END,
         last_clicked_at = CASE WHEN last_clicked_at < ? THEN ? ELSE last_clicked_at END
       WHERE delivery_id = ? AND link_index = ?`,
      [now, now, now, now, deliveryId, linkIndex],
    );
    // A click was read and delivered, no later than now (the same rule as Meta's click webhook).
    await this.dataSource.query(
      `UPDATE campaign_deliveries SET ${['delivered_at', 'read_at', 'clicked_at'].map((c) => `${c} = CASE WHEN ${c} IS NULL OR ${c} > ? THEN ? ELSE ${c} END`).join(', ')}
        WHERE id = ?`,
      [now, now, now, now, now, now, deliveryId],
    );
  }

  /**
   * Every tracked link of the campaign's contents, with its clicks on the messages of `sentBy` (the campaign
   * itself, or a series' occurrences, which send copies of its content: campaignIdIn).
   */
  async perLink(campaignId: string, own: CampaignContent, sentBy: readonly string[]): Promise<LinkClicks[]> {
    const contents = await this.messages.contents(campaignId, own);
    const scope = campaignIdIn(sentBy, 'k.campaign_id');
    const counts = (await this.dataSource.query(
      `SELECT COALESCE(d.variant, 0) AS variant, k.link_index, COUNT(*) AS clickers, SUM(k.clicks) AS clicks
         FROM campaign_link_clicks k JOIN campaign_deliveries d ON d.id = k.delivery_id
        WHERE ${scope.sql} GROUP BY COALESCE(d.variant, 0), k.link_index`,
      scope.params,
    )) as Array<{ variant: number | string; link_index: number | string; clickers: number | string; clicks: number | string }>;
    const byKey = new Map(counts.map((c) => [`${Number(c.variant)}:${Number(c.link_index)}`, c]));
    return contents.flatMap((content, variant) =>
      trackedLinks(content).map((link) => {
        const c = byKey.get(`${variant}:${link.index}`);
        return { variant, ...link, clickers: Number(c?.clickers ?? 0), clicks: Number(c?.clicks ?? 0) };
      }),
    );
  }
}
