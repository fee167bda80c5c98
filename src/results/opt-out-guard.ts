import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { campaignIdIn } from './campaign-scope';
import { ResultsSettingsService } from './results-settings.service';
import { CampaignEvents } from '../broadcasts/campaign-events';
import type { OptOutFigures } from './results-shapes';

/** The pause reason a campaign shows when its opt-out rate crossed the shop's threshold. */
export const OPT_OUT_PAUSE_REASON = 'opt_out_rate_exceeded';

/**
 * Counts each campaign's opt-outs and pauses a running campaign whose rate crosses the threshold
 * (`opt_out_rate_exceeded`), through the pause every control uses: the conditional UPDATE `WHERE status =
 * 'running'` (so of several processes checking at once one pauses, the others change nothing); the
 * drains of every process see the status at their next claim or status poll and stop. A campaign pauses
 * itself for this once (`opt_out_paused_at`): resuming it is the shop accepting the rate.
 *
 * Opt-outs are read from the subscriptions of the campaign's topic (ix_subscriptions_topic_status), joined
 * to the campaign's delivery (ux_deliveries_recipient): the person stopped or was unsubscribed no earlier
 * than the message was sent and less than a day after it. Meta sends no webhook for a block; a blocked
 * or stopped person shows as 2300034 on a later send, which stops the subscription too.
 */
@Injectable()
export class OptOutGuard {
  private readonly logger = new Logger(OptOutGuard.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ResultsSettingsService,
    private readonly campaignEvents: CampaignEvents,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * The campaign's opt-out figures over the messages of `sentBy` (the campaign itself, or a series'
   * occurrences: campaignIdIn). `sent`: the caller's count when it has one (the periodic check passes the
   * running `sent_count`, so it never counts a large audience); by default the delivery rows with a send time.
   */
  async figures(campaignId: string, sentCount?: number, sentBy: readonly string[] = [campaignId]): Promise<OptOutFigures> {
    const [c] = (await this.dataSource.query('SELECT topic_id FROM campaigns WHERE id = ?', [campaignId])) as Array<{ topic_id: string }>;
    const scope = campaignIdIn(sentBy, 'd.campaign_id');
    const sent =
      sentCount ??
      Number(
        (
          (await this.dataSource.query(`SELECT COUNT(*) AS n FROM campaign_deliveries d WHERE ${scope.sql} AND d.sent_at IS NOT NULL`, [
            ...scope.params,
          ])) as Array<{ n: number | string }>
        )[0]?.n ?? 0,
      );
    if (!c || sent === 0) return { sent, stops: 0, unsubscribes: 0, rate: 0 };
    const changedAt = `CASE WHEN s.status = 'stopped' THEN COALESCE(s.status_event_at, s.status_changed_at) ELSE s.status_changed_at END`;
    const rows = (await this.dataSource.query(
      `SELECT s.status, COUNT(*) AS n
         FROM subscriptions s JOIN campaign_deliveries d ON ${scope.sql} AND d.subscription_id = s.id
        WHERE s.topic_id = ? AND s.status IN ('stopped', 'unsubscribed') AND d.sent_at IS NOT NULL
          AND ${changedAt} >= d.sent_at AND ${changedAt} < ${this.plusOneDay('d.sent_at')}
        GROUP BY s.status`,
      [...scope.params, c.topic_id],
    )) as Array<{ status: string; n: number | string }>;
    const stops = Number(rows.find((r) => r.status === 'stopped')?.n ?? 0);
    const unsubscribes = Number(rows.find((r) => r.status === 'unsubscribed')?.n ?? 0);
    return { sent, stops, unsubscribes, rate: (stops + unsubscribes) / sent };
  }

  /** Checks every running campaign; returns the ids it paused. */
  async checkRunning(): Promise<string[]> {
    const running = (await this.dataSource.query(
      `SELECT c.id, c.shop_id, c.sent_count FROM campaigns c LEFT JOIN campaign_results_settings rs ON rs.campaign_id = c.id
        WHERE c.status = 'running' AND c.sent_count > 0 AND rs.opt_out_paused_at IS NULL LIMIT 200`,
    )) as Array<{ id: string; shop_id: string; sent_count: number | string }>;
    const paused: string[] = [];
    for (const c of running) {
      const s = await this.settings.effective(c.shop_id, c.id);
      if (s.optOutThresholdBp === 0) continue;
      const f = await this.figures(c.id, Number(c.sent_count));
      // Integer comparison: (stops + unsubscribes) / sent >= threshold (basis points).
      if (f.sent < s.optOutMinSent || (f.stops + f.unsubscribes) * 10_000 < s.optOutThresholdBp * f.sent) continue;
      if (await this.pause(c.id, f, s.optOutThresholdBp)) paused.push(c.id);
    }
    return paused;
  }

  private async pause(campaignId: string, f: OptOutFigures, thresholdBp: number): Promise<boolean> {
    const now = this.dialect.time(this.clock.now());
    const message = `${f.stops + f.unsubscribes} of ${f.sent} recipients opted out within a day (${(f.rate * 100).toFixed(2)} %, threshold ${(thresholdBp / 100).toFixed(2)} %)`;
    const changed = await this.dataSource.transaction(async (em) => {
      const n = await SqlDialect.execute(
        em,
        `UPDATE campaigns SET status = 'paused', pause_reason = ?, pause_message = ?, resume_at = NULL, updated_at = ? WHERE id = ? AND status = 'running'`,
        [OPT_OUT_PAUSE_REASON, message, now, campaignId],
      );
      if (n === 1) {
        await em.query('UPDATE campaign_results_settings SET opt_out_paused_at = ? WHERE campaign_id = ?', [now, campaignId]);
        await this.campaignEvents.paused(em, campaignId, OPT_OUT_PAUSE_REASON);
      }
      return n === 1;
    });
    if (changed)
      this.logger.warn({
        msg: 'campaign paused',
        campaignId,
        reason: OPT_OUT_PAUSE_REASON,
        optOuts: f.stops + f.unsubscribes,
        sent: f.sent,
      });
    return changed;
  }

  private plusOneDay(column: string): string {
    return this.dialect.isMysql ? `DATE_ADD(${column}, INTERVAL 1 DAY)` : `strftime('%Y-%m-%d %H:%M:%f', ${column}, '+1 day')`;
  }
}
