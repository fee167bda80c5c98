import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { AudienceService } from '../audience/audience.service';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { CampaignEvents } from './campaign-events';
import { FreshState } from '../messenger/inbox/fresh-state';
import { isValidTimeZone, wallTimeToInstant } from '../common/local-time';
import { AbTestsService } from '../results/ab-tests.service';
import { CampaignWarmUp } from './campaign-warm-up';

const FANOUT_BATCH = 2000;
const FANOUT_LEASE_MS = 60_000;

/**
 * Starts due campaigns and fans their audience out into delivery rows.
 *
 * The tick only claims: `UPDATE campaigns SET status = 'running' WHERE id = ? AND status =
 * 'scheduled'` succeeds in one process only, so every worker may tick and each campaign starts once.
 * The fan-out is resumable work under a short lease (any worker continues it after a crash), walking
 * the topic's subscriptions (narrowed by the campaign's segment: AudienceService.campaignAudience) with
 * `INSERT … SELECT` in keyset batches on ix_subscriptions_topic_status;
 * the unique (campaign_id, subscription_id) key makes a repeated batch add nobody twice.
 */
@Injectable()
export class BroadcastScheduler {
  private readonly logger = new Logger(BroadcastScheduler.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly fresh: FreshState,
    private readonly events: CampaignEvents,
    private readonly audience: AudienceService,
    private readonly abTests: AbTestsService,
    private readonly warmUp: CampaignWarmUp,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /** One scheduler tick: starts what is due (Meta's warm-up hour included) and ends timed pauses. Returns the ids it started. */
  async tick(): Promise<string[]> {
    const now = this.clock.now();
    const t = this.dialect.time(now);
    const due = (await this.dataSource.query(
      `SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= ? AND meta_campaign_id IS NOT NULL AND meta_created_at <= ? ORDER BY scheduled_at LIMIT 100`,
      [t, this.dialect.time(new Date(now.getTime() - this.warmUp.ms()))],
    )) as Array<{ id: string }>;
    const started: string[] = [];
    for (const { id } of due) {
      // The claim and its campaign.started event commit together; only the process that won announces it.
      const won = await this.dataSource.transaction(async (em) => {
        const changed = await SqlDialect.execute(
          em,
          `UPDATE campaigns SET status = 'running', started_at = ?, updated_at = ? WHERE id = ? AND status = 'scheduled'`,
          [t, t, id],
        );
        if (changed === 1) await this.events.started(em, id, now);
        return changed;
      });
      if (won === 1) {
        started.push(id);
        this.logger.log({ msg: 'campaign started', campaignId: id });
      }
    }
    await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaigns SET status = 'running', pause_reason = NULL, pause_message = NULL, resume_at = NULL, updated_at = ?
        WHERE status = 'paused' AND resume_at IS NOT NULL AND resume_at <= ?`,
      [t, t],
    );
    return started;
  }

  /**
   * Fans out a running campaign's audience if nobody else is: the topic's subscriptions that were
   * active when it started. Returns false when another process holds the fan-out.
   */
  async fanOut(campaignId: string): Promise<boolean> {
    const leaseOk = await this.extendLease(campaignId, true);
    if (!leaseOk) return false;
    const [c] = (await this.dataSource.query(
      `SELECT c.page_id, c.topic_id, c.started_at, c.fanout_cursor, c.segment_id, c.segment_definition, c.schedule_type, c.scheduled_at, c.local_date, c.local_time, c.fallback_timezone,
              p.timezone AS page_timezone
         FROM campaigns c JOIN pages p ON p.id = c.page_id WHERE c.id = ?`,
      [campaignId],
    )) as Array<{
      page_id: string;
      topic_id: string;
      started_at: unknown;
      fanout_cursor: string | null;
      segment_id: string | null;
      segment_definition: string | null;
      schedule_type: string;
      scheduled_at: unknown;
      local_date: string | null;
      local_time: string | null;
      fallback_timezone: string | null;
      page_timezone: string;
    }>;
    if (!c) return false;
    // The audience is read from subscription statuses: first apply what Meta was already answered for about
    // the Page's people (opt-ins, resumes), within FreshState's bound; a STOP that lands later is caught
    // per recipient before the send (BroadcastWorker.prepare).
    if (!c.fanout_cursor) await this.fresh.awaitApplied(c.page_id, []);
    const startedAt = SqlDialect.parseTime(c.started_at);
    const scheduledAt = SqlDialect.parseOptionalTime(c.scheduled_at) ?? startedAt;
    // The campaign's audience as of its start (segment "within N days" counted back from it too), so a fan-out
    // resumed after a crash selects the same people, and campaign.started announced this many.
    const audience = await this.audience.campaignAudience(
      { topicId: c.topic_id, segmentId: c.segment_id, segmentDefinition: c.segment_definition },
      startedAt,
    );
    // Opted in by the start too: a walk resumed later must not take subscribers who came after it (at the
    // start itself this holds for everyone, so the count campaign.started announced leaves it out).
    const active = `${audience.sql} AND opted_in_at <= ?`;
    const activeParams = [...audience.params, this.dialect.time(startedAt)];
    let cursor = c.fanout_cursor ?? '';
    // An A/B test's audience is fanned out held; split() releases the test share when the walk is done.
    const initialStatus = (await this.abTests.hasTest(campaignId)) ? 'held' : 'pending';
    for (;;) {
      const [upper] = (await this.dataSource.query(
        `SELECT id FROM subscriptions WHERE ${active} AND id > ? ORDER BY id LIMIT 1 OFFSET ${FANOUT_BATCH - 1}`,
        [...activeParams, cursor],
      )) as Array<{ id: string }>;
      const range = upper ? 'id > ? AND id <= ?' : 'id > ?';
      const rangeParams = upper ? [cursor, upper.id] : [cursor];
      const sendAfter = await this.sendAfterExpression(c, scheduledAt, active, activeParams, range, rangeParams);
      const now = this.dialect.time(this.clock.now());
      await this.dataSource.query(
        `${this.dialect.insertIgnore()} INTO campaign_deliveries (campaign_id, subscription_id, status, send_after, attempts, updated_at)
         SELECT ?, id, ?, ${sendAfter.sql}, 0, ? FROM subscriptions WHERE ${active} AND ${range} ORDER BY id`,
        [campaignId, initialStatus, ...sendAfter.params, now, ...activeParams, ...rangeParams],
      );
      if (!upper) break;
      cursor = upper.id;
      await this.dataSource.query('UPDATE campaigns SET fanout_cursor = ? WHERE id = ?', [cursor, campaignId]);
      if (!(await this.extendLease(campaignId, false))) return false;
    }
    const [count] = (await this.dataSource.query('SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ?', [
      campaignId,
    ])) as Array<{ n: string | number }>;
    await this.dataSource.query(
      'UPDATE campaigns SET fanout_done = 1, fanout_lease_until = NULL, audience_size = ?, updated_at = ? WHERE id = ?',
      [Number(count?.n ?? 0), this.dialect.time(this.clock.now()), campaignId],
    );
    this.logger.log({ msg: 'campaign fanned out', campaignId, audience: Number(count?.n ?? 0) });
    if (initialStatus === 'held') await this.abTests.split(campaignId);
    return true;
  }

  private async extendLease(campaignId: string, take: boolean): Promise<boolean> {
    const now = this.clock.now();
    const until = this.dialect.time(new Date(now.getTime() + FANOUT_LEASE_MS));
    const condition = take ? '(fanout_lease_until IS NULL OR fanout_lease_until < ?)' : 'fanout_lease_until >= ?';
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaigns SET fanout_lease_until = ? WHERE id = ? AND status IN ('running', 'paused') AND fanout_done = 0 AND ${condition}`,
      [until, campaignId, this.dialect.time(now)],
    );
    return changed === 1;
  }

  /**
   * When each recipient is due. `at`: the start. `local_time`: the recipient's own HH:MM on the date,
   * from the subscription's time zone (the campaign's fallback zone, else the Page's, when it has none
   * or an unknown one, which is logged), as a CASE over the few zones present in this batch, so the
   * batch stays one INSERT … SELECT. A time in a daylight-saving gap goes at the first valid instant
   * after it, one in an overlap at its first occurrence (wallTimeToInstant).
   */
  private async sendAfterExpression(
    c: {
      schedule_type: string;
      local_date: string | null;
      local_time: string | null;
      fallback_timezone: string | null;
      page_timezone: string;
    },
    scheduledAt: Date,
    active: string,
    activeParams: unknown[],
    range: string,
    rangeParams: unknown[],
  ): Promise<{ sql: string; params: unknown[] }> {
    if (c.schedule_type !== 'local_time' || !c.local_date || !c.local_time) return { sql: '?', params: [this.dialect.time(scheduledAt)] };
    const fallbackZone = [c.fallback_timezone, c.page_timezone].find((z): z is string => !!z && isValidTimeZone(z)) ?? 'UTC';
    const at = (zone: string): Date | string => this.dialect.time(wallTimeToInstant(c.local_date!, c.local_time!, zone));
    const zones = (await this.dataSource.query(
      `SELECT DISTINCT timezone FROM subscriptions WHERE ${active} AND ${range} AND timezone IS NOT NULL`,
      [...activeParams, ...rangeParams],
    )) as Array<{
      timezone: string;
    }>;
    const known = zones.map((z) => z.timezone).filter((z) => isValidTimeZone(z));
    const unknown = zones.map((z) => z.timezone).filter((z) => !isValidTimeZone(z));
    if (unknown.length > 0)
      this.logger.warn({ msg: 'unknown time zones from opt-ins: the fallback zone is used', zones: unknown, fallbackZone });
    if (known.length === 0) return { sql: '?', params: [at(fallbackZone)] };
    return {
      sql: `CASE timezone ${known.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ? END`,
      params: [...known.flatMap((z) => [z, at(z)]), at(fallbackZone)],
    };
  }
}
