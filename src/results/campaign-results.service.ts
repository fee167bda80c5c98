import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { CampaignContent } from '../broadcasts/campaign-content';
import { notFound } from '../common/domain-error';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { PagesService } from '../pages/pages.service';
import { AbTestsService } from './ab-tests.service';
import { VOIDED_ORDER_STATUSES } from './attribution.service';
import { campaignIdIn } from './campaign-scope';
import { CampaignFiguresService } from './campaign-figures.service';
import { LinkClicksService } from './link-clicks.service';
import { OptOutGuard } from './opt-out-guard';
import { ResultsSettingsService } from './results-settings.service';
import type { Bucket, CampaignFigures, CampaignResults, SendResults } from './results-shapes';

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
  /** A recurring series: it sends nothing itself, its occurrences do. */
  isSeries: boolean;
}

/** A campaign whose rows the results read: the campaign itself, or one occurrence of a series. */
interface Sender {
  id: string;
  date: string | null;
  status: string;
  spend: number;
  currency: string;
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
      `SELECT id, shop_id, page_id, status, content, currency, spend, created_at, pause_reason, recurrence_rule
         FROM campaigns WHERE id = ? AND page_id = ? AND shop_id = ?`,
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
      isSeries: row.recurrence_rule !== null && row.recurrence_rule !== undefined,
    };
  }

  /**
   * The results: one grouped query over the delivery rows and one over the attributions, per sending
   * campaign (the campaign itself, or each occurrence of a series), whatever the number of occurrences.
   * A series' totals add its occurrences up; its cost is theirs in the series' currency (an occurrence billed
   * in another currency is left out of it, and the total's revenuePerCost is then null).
   */
  async results(c: CampaignRef): Promise<CampaignResults> {
    const senders = await this.senders(c);
    const scope = campaignIdIn(senders.map((x) => x.id));
    const shopCurrency = await this.shopCurrency(c.shopId);
    const counts = (await this.dataSource.query(
      `SELECT campaign_id, SUM(CASE WHEN sent_at IS NOT NULL THEN 1 ELSE 0 END) AS sent, SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
              SUM(CASE WHEN read_at IS NOT NULL THEN 1 ELSE 0 END) AS n_read, SUM(CASE WHEN clicked_at IS NOT NULL THEN 1 ELSE 0 END) AS clicked
         FROM campaign_deliveries WHERE ${scope.sql} GROUP BY campaign_id`,
      scope.params,
    )) as Array<Record<string, unknown>>;
    const attributed = (await this.dataSource.query(
      `SELECT campaign_id, COUNT(*) AS orders, SUM(CASE WHEN currency = ? THEN COALESCE(amount, 0) ELSE 0 END) AS revenue,
              SUM(CASE WHEN currency = ? THEN 0 ELSE 1 END) AS other
         FROM campaign_attributions WHERE ${scope.sql} AND order_status NOT IN (${VOIDED_ORDER_STATUSES.map(() => '?').join(', ')})
        GROUP BY campaign_id`,
      [shopCurrency, shopCurrency, ...scope.params, ...VOIDED_ORDER_STATUSES],
    )) as Array<Record<string, unknown>>;
    const byId = (rows: Array<Record<string, unknown>>): Map<string, Record<string, unknown>> =>
      new Map(rows.map((r) => [String(r.campaign_id), r]));
    const [countsOf, ordersOf] = [byId(counts), byId(attributed)];
    const perSender = senders.map((x) => {
      const n = countsOf.get(x.id);
      const o = ordersOf.get(x.id);
      return {
        sender: x,
        results: sendResults(
          {
            sent: Number(n?.sent ?? 0),
            delivered: Number(n?.delivered ?? 0),
            read: Number(n?.n_read ?? 0),
            clicked: Number(n?.clicked ?? 0),
            orders: Number(o?.orders ?? 0),
            revenue: Number(o?.revenue ?? 0),
            ordersInOtherCurrencies: Number(o?.other ?? 0),
            cost: x.spend,
            costCurrency: x.currency,
          },
          shopCurrency,
        ),
      };
    });
    const sum = (f: (r: SendResults) => number, of = perSender.map((p) => p.results)): number => of.reduce((n, r) => n + f(r), 0);
    const billedInOne = perSender.every((p) => p.results.costCurrency === c.currency);
    const total = sendResults(
      {
        sent: sum((r) => r.sent),
        delivered: sum((r) => r.delivered),
        read: sum((r) => r.read),
        clicked: sum((r) => r.clicked),
        orders: sum((r) => r.orders),
        revenue: sum((r) => r.revenue),
        ordersInOtherCurrencies: sum((r) => r.ordersInOtherCurrencies),
        cost: sum(
          (r) => r.cost,
          perSender.map((p) => p.results).filter((r) => r.costCurrency === c.currency),
        ),
        costCurrency: c.currency,
      },
      billedInOne ? shopCurrency : undefined,
    );
    const settings = await this.settings.effective(c.shopId, c.id);
    const [paused] = (await this.dataSource.query('SELECT opt_out_paused_at FROM campaign_results_settings WHERE campaign_id = ?', [
      c.id,
    ])) as Array<{
      opt_out_paused_at: unknown;
    }>;
    const { sent, delivered, read, clicked, ...money } = total;
    return {
      campaignId: c.id,
      sent,
      delivered,
      read,
      clicked,
      links: await this.clicks.perLink(c.id, c.content, scope.params),
      attribution: {
        ...money,
        revenueCurrency: shopCurrency,
        deliveredWindowHours: settings.attributionDeliveredHours,
        clickWindowHours: settings.attributionClickHours,
      },
      occurrences: c.isSeries
        ? perSender.map(({ sender, results }) => ({ campaignId: sender.id, date: sender.date!, status: sender.status, ...results }))
        : null,
      optOuts: {
        ...(await this.optOuts.figures(c.id, sent, scope.params)),
        thresholdPercent: settings.optOutThresholdBp / 100,
        minSent: settings.optOutMinSent,
        pausedForRate: SqlDialect.parseOptionalTime(paused?.opt_out_paused_at) !== null,
      },
      abTest: (await this.abTests.get(c.id)) ?? null,
    };
  }

  /** The campaigns whose rows make up `c`'s results: `c` itself, or a series' occurrences, newest date first. */
  private async senders(c: CampaignRef): Promise<Sender[]> {
    if (!c.isSeries) return [{ id: c.id, date: null, status: c.status, spend: c.spend, currency: c.currency }];
    const rows = (await this.dataSource.query(
      'SELECT id, occurrence_date, status, spend, currency FROM campaigns WHERE parent_campaign_id = ? ORDER BY occurrence_date DESC',
      [c.id],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: String(r.id),
      date: String(r.occurrence_date),
      status: String(r.status),
      spend: Number(r.spend),
      currency: String(r.currency),
    }));
  }

  async figures(c: CampaignRef, bucket: Bucket): Promise<CampaignFigures> {
    const [page] = (await this.dataSource.query('SELECT timezone FROM pages WHERE id = ?', [c.pageId])) as Array<{ timezone: string }>;
    const timezone = page?.timezone ?? 'UTC';
    const revenueCurrency = await this.shopCurrency(c.shopId);
    return {
      bucket,
      timezone,
      revenueCurrency,
      buckets: await this.figuresService.buckets(
        (await this.senders(c)).map((x) => x.id),
        c.createdAt,
        timezone,
        bucket,
        revenueCurrency,
      ),
    };
  }

  private async shopCurrency(shopId: string): Promise<string> {
    const [shop] = (await this.dataSource.query('SELECT currency FROM shops WHERE id = ?', [shopId])) as Array<{ currency: string }>;
    return shop?.currency ?? 'PHP';
  }
}

/**
 * The figures with revenuePerCost: revenue / cost (2 decimals) when the revenue's currency (`revenueCurrency`,
 * the shop's; undefined when the cost is in several) is the cost's and the cost is not 0; else null.
 */
function sendResults(r: Omit<SendResults, 'revenuePerCost'>, revenueCurrency: string | undefined): SendResults {
  return {
    ...r,
    revenuePerCost: r.cost > 0 && r.costCurrency === revenueCurrency ? Math.round((r.revenue / r.cost) * 100) / 100 : null,
  };
}
