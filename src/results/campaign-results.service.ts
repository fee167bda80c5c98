import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CampaignContent } from '../broadcasts/campaign-content';
import { notFound } from '../common/domain-error';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { PagesService } from '../pages/pages.service';
import { AbTestsService } from './ab-tests.service';
import { VOIDED_ORDER_STATUSES } from './attribution.service';
import { CampaignFiguresService, type Bucket, type FigureBucket } from './campaign-figures.service';
import type { AbTestResponse } from './dto/ab-test.dto';
import { LinkClicksService, type LinkClicks } from './link-clicks.service';
import { OptOutGuard, type OptOutFigures } from './opt-out-guard';
import { ResultsSettingsService } from './results-settings.service';

/** The campaign row fields the results read. */
export interface CampaignRef {
  id: string;
  shopId: string;
  pageId: string;
  status: string;
  content: CampaignContent;
  /** The ad account's currency: of `spend`. */
  currency: string;
  /** Minor units of `currency`. */
  spend: number;
  createdAt: Date;
  pauseReason: string | null;
}

/** What a campaign earned and how it was received (GET …/campaigns/:id/results). Amounts in minor units. */
export interface CampaignResults {
  campaignId: string;
  sent: number;
  delivered: number;
  read: number;
  /** Recipients who clicked (a tracked link, or Meta's click webhook). */
  clicked: number;
  links: LinkClicks[];
  attribution: {
    /** Attributed orders, canceled and returned ones left out. */
    orders: number;
    /** Sum of their totals in `revenueCurrency` (the shop's), minor units. */
    revenue: number;
    revenueCurrency: string;
    /** Attributed orders in another currency (counted in `orders`, not in `revenue`). */
    ordersInOtherCurrencies: number;
    /** The campaign's cost (Meta's price per message × messages sent), minor units of `costCurrency`. */
    cost: number;
    costCurrency: string;
    /** revenue / cost, when both are in one currency and the cost is not 0; else null. */
    revenuePerCost: number | null;
    deliveredWindowHours: number;
    clickWindowHours: number;
    /** Per occurrence of a recurring campaign (occurrence null: a one-off run). */
    byOccurrence: Array<{ occurrenceId: string | null; orders: number; revenue: number }>;
  };
  optOuts: OptOutFigures & { thresholdPercent: number; minSent: number; pausedForRate: boolean };
  abTest: AbTestResponse | null;
}

/** Reads a campaign's results for the shop; one place that checks the campaign is the shop's. */
@Injectable()
export class CampaignResultsService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly settings: ResultsSettingsService,
    private readonly clicks: LinkClicksService,
    private readonly optOuts: OptOutGuard,
    private readonly abTests: AbTestsService,
    private readonly figuresService: CampaignFiguresService,
  ) {}

  /** The shop's campaign on the Page, or 404 (`pageId` for the Page, `id` for the campaign). */
  async campaign(shopId: string, pageId: string, id: string): Promise<CampaignRef> {
    await this.pages.getForShop(shopId, pageId);
    const [row] = (await this.dataSource.query(
      'SELECT id, shop_id, page_id, status, content, currency, spend, created_at, pause_reason FROM campaigns WHERE id = ? AND page_id = ? AND shop_id = ?',
      [id, pageId, shopId],
    )) as Array<Record<string, unknown>>;
    if (!row) throw notFound('Campaign', 'id');
    return {
      id: String(row.id),
      shopId: String(row.shop_id),
      pageId: String(row.page_id),
      status: String(row.status),
      content: JSON.parse(String(row.content)) as CampaignContent,
      currency: String(row.currency),
      spend: Number(row.spend),
      createdAt: SqlDialect.parseTime(row.created_at),
      pauseReason: (row.pause_reason as string | null) ?? null,
    };
  }

  async results(c: CampaignRef): Promise<CampaignResults> {
    const [counts] = (await this.dataSource.query(
      `SELECT SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent, SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
              SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END) AS n_read, SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked
         FROM campaign_deliveries WHERE campaign_id = ?`,
      [c.id],
    )) as Array<Record<string, unknown>>;
    const shopCurrency = await this.shopCurrency(c.shopId);
    const byOccurrence = (await this.dataSource.query(
      `SELECT occurrence_id, COUNT(*) AS orders, SUM(CASE WHEN currency = ? THEN COALESCE(amount, 0) ELSE 0 END) AS revenue,
              SUM(CASE WHEN currency = ? THEN 0 ELSE 1 END) AS other
         FROM campaign_attributions WHERE campaign_id = ? AND order_status NOT IN (${VOIDED_ORDER_STATUSES.map(() => '?').join(', ')})
        GROUP BY occurrence_id`,
      [shopCurrency, shopCurrency, c.id, ...VOIDED_ORDER_STATUSES],
    )) as Array<{ occurrence_id: string | null; orders: number | string; revenue: number | string | null; other: number | string }>;
    const orders = byOccurrence.reduce((n, r) => n + Number(r.orders), 0);
    const revenue = byOccurrence.reduce((n, r) => n + Number(r.revenue ?? 0), 0);
    const settings = await this.settings.effective(c.shopId, c.id);
    const [paused] = (await this.dataSource.query('SELECT opt_out_paused_at FROM campaign_results_settings WHERE campaign_id = ?', [
      c.id,
    ])) as Array<{
      opt_out_paused_at: unknown;
    }>;
    return {
      campaignId: c.id,
      sent: Number(counts?.sent ?? 0),
      delivered: Number(counts?.delivered ?? 0),
      read: Number(counts?.n_read ?? 0),
      clicked: Number(counts?.clicked ?? 0),
      links: await this.clicks.perLink(c.id, c.content),
      attribution: {
        orders,
        revenue,
        revenueCurrency: shopCurrency,
        ordersInOtherCurrencies: byOccurrence.reduce((n, r) => n + Number(r.other), 0),
        cost: c.spend,
        costCurrency: c.currency,
        revenuePerCost: c.spend > 0 && c.currency === shopCurrency ? Math.round((revenue / c.spend) * 100) / 100 : null,
        deliveredWindowHours: settings.attributionDeliveredHours,
        clickWindowHours: settings.attributionClickHours,
        byOccurrence: byOccurrence.map((r) => ({
          occurrenceId: r.occurrence_id,
          orders: Number(r.orders),
          revenue: Number(r.revenue ?? 0),
        })),
      },
      optOuts: {
        ...(await this.optOuts.figures(c.id)),
        thresholdPercent: settings.optOutThresholdBp / 100,
        minSent: settings.optOutMinSent,
        pausedForRate: SqlDialect.parseOptionalTime(paused?.opt_out_paused_at) !== null,
      },
      abTest: (await this.abTests.get(c.id)) ?? null,
    };
  }

  async figures(
    c: CampaignRef,
    bucket: Bucket,
  ): Promise<{ bucket: Bucket; timezone: string; revenueCurrency: string; buckets: FigureBucket[] }> {
    const [page] = (await this.dataSource.query('SELECT timezone FROM pages WHERE id = ?', [c.pageId])) as Array<{ timezone: string }>;
    const timezone = page?.timezone ?? 'UTC';
    const revenueCurrency = await this.shopCurrency(c.shopId);
    return {
      bucket,
      timezone,
      revenueCurrency,
      buckets: await this.figuresService.buckets(c.id, c.createdAt, timezone, bucket, revenueCurrency),
    };
  }

  private async shopCurrency(shopId: string): Promise<string> {
    const [shop] = (await this.dataSource.query('SELECT currency FROM shops WHERE id = ?', [shopId])) as Array<{ currency: string }>;
    return shop?.currency ?? 'PHP';
  }
}
