import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type {
  CampaignResultsSettingsResponse,
  ShopResultsSettingsResponse,
  UpdateCampaignResultsSettingsDto,
  UpdateShopResultsSettingsDto,
} from './dto/results-settings.dto';
import { newLinkSecret } from './link-codes';
import { UTM_KEYS, type UtmParameters } from './utm';

/** The defaults when neither the shop nor the campaign set a value (README "Campaign results"). */
export const RESULTS_DEFAULTS = {
  attributionDeliveredHours: 24,
  attributionClickHours: 168,
  /** Basis points (1/100 of a percent): 3 %. */
  optOutThresholdBp: 300,
  optOutMinSent: 50,
} as const;

/** The settings in force for one campaign (its own, else its series', else the shop's, else the defaults). */
export interface EffectiveResultsSettings {
  attributionDeliveredHours: number;
  attributionClickHours: number;
  /** 0 = auto-pause off. */
  optOutThresholdBp: number;
  optOutMinSent: number;
  utm: UtmParameters | null;
}

interface ShopRow {
  delivered_window_hours: number;
  click_window_hours: number;
  opt_out_threshold_bp: number;
  opt_out_min_sent: number;
}
interface CampaignRow {
  link_secret: string;
  utm: string | null;
  delivered_window_hours: number | null;
  click_window_hours: number | null;
  opt_out_threshold_bp: number | null;
  opt_out_min_sent: number | null;
}

const toBp = (percent: number): number => Math.round(percent * 100);

/**
 * Results settings: the shop's defaults (`results_settings`) and each campaign's overrides and link secret
 * (`campaign_results_settings`, one row per campaign made on first need by INSERT IGNORE, so two
 * processes making it at once keep one secret).
 */
@Injectable()
export class ResultsSettingsService {
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  async shopSettings(shopId: string): Promise<ShopResultsSettingsResponse> {
    const row = await this.shopRow(shopId);
    return {
      attributionDeliveredHours: row.delivered_window_hours,
      attributionClickHours: row.click_window_hours,
      optOutPauseThresholdPercent: row.opt_out_threshold_bp / 100,
      optOutMinSent: row.opt_out_min_sent,
    };
  }

  async updateShop(shopId: string, dto: UpdateShopResultsSettingsDto): Promise<ShopResultsSettingsResponse> {
    const current = await this.shopRow(shopId);
    const next: ShopRow = {
      delivered_window_hours: dto.attributionDeliveredHours ?? current.delivered_window_hours,
      click_window_hours: dto.attributionClickHours ?? current.click_window_hours,
      opt_out_threshold_bp:
        dto.optOutPauseThresholdPercent !== undefined ? toBp(dto.optOutPauseThresholdPercent) : current.opt_out_threshold_bp,
      opt_out_min_sent: dto.optOutMinSent ?? current.opt_out_min_sent,
    };
    const now = this.dialect.time(this.clock.now());
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO results_settings (shop_id, delivered_window_hours, click_window_hours, opt_out_threshold_bp, opt_out_min_sent, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [shopId, next.delivered_window_hours, next.click_window_hours, next.opt_out_threshold_bp, next.opt_out_min_sent, now],
    );
    await this.dataSource.query(
      'UPDATE results_settings SET delivered_window_hours = ?, click_window_hours = ?, opt_out_threshold_bp = ?, opt_out_min_sent = ?, updated_at = ? WHERE shop_id = ?',
      [next.delivered_window_hours, next.click_window_hours, next.opt_out_threshold_bp, next.opt_out_min_sent, now, shopId],
    );
    return this.shopSettings(shopId);
  }

  /** The campaign's settings as shown to the shop. The caller has checked the campaign is the shop's. */
  async campaignSettings(shopId: string, campaignId: string): Promise<CampaignResultsSettingsResponse> {
    const own = await this.campaignRow(campaignId);
    const effective = await this.effective(shopId, campaignId);
    const overrides = [
      own.delivered_window_hours !== null && 'attributionDeliveredHours',
      own.click_window_hours !== null && 'attributionClickHours',
      own.opt_out_threshold_bp !== null && 'optOutPauseThresholdPercent',
      own.opt_out_min_sent !== null && 'optOutMinSent',
      own.utm !== null && 'utm',
    ].filter((x): x is string => typeof x === 'string');
    return {
      campaignId,
      attributionDeliveredHours: effective.attributionDeliveredHours,
      attributionClickHours: effective.attributionClickHours,
      optOutPauseThresholdPercent: effective.optOutThresholdBp / 100,
      optOutMinSent: effective.optOutMinSent,
      utm: effective.utm,
      overrides,
    };
  }

  async updateCampaign(
    shopId: string,
    campaignId: string,
    dto: UpdateCampaignResultsSettingsDto,
  ): Promise<CampaignResultsSettingsResponse> {
    await this.campaignRow(campaignId);
    const sets: string[] = [];
    const params: unknown[] = [];
    const set = (column: string, value: unknown): void => {
      sets.push(`${column} = ?`);
      params.push(value);
    };
    if (dto.attributionDeliveredHours !== undefined) set('delivered_window_hours', dto.attributionDeliveredHours);
    if (dto.attributionClickHours !== undefined) set('click_window_hours', dto.attributionClickHours);
    if (dto.optOutPauseThresholdPercent !== undefined) set('opt_out_threshold_bp', toBp(dto.optOutPauseThresholdPercent));
    if (dto.optOutMinSent !== undefined) set('opt_out_min_sent', dto.optOutMinSent);
    if (dto.utm !== undefined) {
      const utm = Object.fromEntries(UTM_KEYS.flatMap((k) => (dto.utm![k] !== undefined ? [[k, dto.utm![k]]] : [])));
      set('utm', Object.keys(utm).length > 0 ? JSON.stringify(utm) : null);
    }
    set('updated_at', this.dialect.time(this.clock.now()));
    await this.dataSource.query(`UPDATE campaign_results_settings SET ${sets.join(', ')} WHERE campaign_id = ?`, [...params, campaignId]);
    return this.campaignSettings(shopId, campaignId);
  }

  /**
   * Drops the campaign's own UTM parameters, windows and opt-out limit (any state): from now on it follows
   * its series' (an occurrence) or the shop's. Returns the settings then in force. Its link secret stays,
   * so links already sent keep working.
   */
  async resetCampaign(shopId: string, campaignId: string): Promise<CampaignResultsSettingsResponse> {
    await this.campaignRow(campaignId);
    await this.dataSource.query(
      `UPDATE campaign_results_settings
          SET utm = NULL, delivered_window_hours = NULL, click_window_hours = NULL, opt_out_threshold_bp = NULL, opt_out_min_sent = NULL,
              updated_at = ?
        WHERE campaign_id = ?`,
      [this.dialect.time(this.clock.now()), campaignId],
    );
    return this.campaignSettings(shopId, campaignId);
  }

  /**
   * The settings in force for a campaign: its own, else (an occurrence of a recurring series) the series',
   * since the shop sets UTM parameters and windows once on the series, else the shop's.
   */
  async effective(shopId: string, campaignId: string): Promise<EffectiveResultsSettings> {
    const [shop, own] = [await this.shopRow(shopId), await this.campaignRow(campaignId)];
    const [parent] = (await this.dataSource.query('SELECT parent_campaign_id FROM campaigns WHERE id = ?', [campaignId])) as Array<{
      parent_campaign_id: string | null;
    }>;
    const series = parent?.parent_campaign_id ? await this.campaignRow(parent.parent_campaign_id) : undefined;
    const utm = own.utm ?? series?.utm ?? null;
    return {
      attributionDeliveredHours: own.delivered_window_hours ?? series?.delivered_window_hours ?? shop.delivered_window_hours,
      attributionClickHours: own.click_window_hours ?? series?.click_window_hours ?? shop.click_window_hours,
      optOutThresholdBp: own.opt_out_threshold_bp ?? series?.opt_out_threshold_bp ?? shop.opt_out_threshold_bp,
      optOutMinSent: own.opt_out_min_sent ?? series?.opt_out_min_sent ?? shop.opt_out_min_sent,
      utm: utm ? (JSON.parse(utm) as UtmParameters) : null,
    };
  }

  /** The campaign's link secret (made on first need). */
  async linkSecret(campaignId: string): Promise<string> {
    return (await this.campaignRow(campaignId)).link_secret;
  }

  private async shopRow(shopId: string): Promise<ShopRow> {
    const [row] = (await this.dataSource.query(
      'SELECT delivered_window_hours, click_window_hours, opt_out_threshold_bp, opt_out_min_sent FROM results_settings WHERE shop_id = ?',
      [shopId],
    )) as ShopRow[];
    if (row)
      return {
        delivered_window_hours: Number(row.delivered_window_hours),
        click_window_hours: Number(row.click_window_hours),
        opt_out_threshold_bp: Number(row.opt_out_threshold_bp),
        opt_out_min_sent: Number(row.opt_out_min_sent),
      };
    return {
      delivered_window_hours: RESULTS_DEFAULTS.attributionDeliveredHours,
      click_window_hours: RESULTS_DEFAULTS.attributionClickHours,
      opt_out_threshold_bp: RESULTS_DEFAULTS.optOutThresholdBp,
      opt_out_min_sent: RESULTS_DEFAULTS.optOutMinSent,
    };
  }

  private async campaignRow(campaignId: string): Promise<CampaignRow> {
    const read = async (): Promise<CampaignRow | undefined> =>
      (
        (await this.dataSource.query(
          `SELECT link_secret, utm, delivered_window_hours, click_window_hours, opt_out_threshold_bp, opt_out_min_sent
             FROM campaign_results_settings WHERE campaign_id = ?`,
          [campaignId],
        )) as CampaignRow[]
      )[0];
    let row = await read();
    if (!row) {
      await this.dataSource.query(
        `${this.dialect.insertIgnore()} INTO campaign_results_settings (campaign_id, link_secret, updated_at) VALUES (?, ?, ?)`,
        [campaignId, newLinkSecret(), this.dialect.time(this.clock.now())],
      );
      row = (await read())!;
    }
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return {
      link_secret: row.link_secret,
      utm: row.utm,
      delivered_window_hours: num(row.delivered_window_hours),
      click_window_hours: num(row.click_window_hours),
      opt_out_threshold_bp: num(row.opt_out_threshold_bp),
      opt_out_min_sent: num(row.opt_out_min_sent),
    };
  }
}
