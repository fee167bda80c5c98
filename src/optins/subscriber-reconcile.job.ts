import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';
import { Clock } from '../common/clock';
import { isValidTimeZone, localDateOf, UTC_ZONE, wallTimeToInstant, type LocalDate } from '../common/local-time';
import { SqlDialect } from '../database/sql-dialect';
import { SubscriberImportService } from './subscriber-import.service';
import { SubscriptionsService } from './subscriptions.service';

/** Meta retries a webhook delivery for up to a day (docs/meta-platform.md §3); two days leaves a margin. */
const EARLY_STATUS_EVENTS_KEPT_MS = 2 * 24 * 3600_000;

/** The Page's local time from which its nightly reconcile runs: the shop's quiet hours. */
export const RECONCILE_LOCAL_TIME = '03:30';

/**
 * The local date whose reconcile is due for a Page at `now`, or null: due once the Page's wall clock
 * (its `timezone`) has passed RECONCILE_LOCAL_TIME on a local date not reconciled yet.
 */
export function reconcileDueDate(now: Date, zone: string, lastRunDate: LocalDate | null): LocalDate | null {
  const tz = isValidTimeZone(zone) ? zone : UTC_ZONE;
  const today = localDateOf(now, tz);
  if (lastRunDate !== null && lastRunDate >= today) return null;
  return now.getTime() >= wallTimeToInstant(today, RECONCILE_LOCAL_TIME, tz).getTime() ? today : null;
}

/**
 * Nightly reconcile of every Page against Meta's token listing, at 03:30 in the Page's own time zone.
 * Every worker process fires the cron each quarter hour (UTC offsets run in quarter hours, e.g.
 * Nepal's +05:45); the row in `reconcile_runs` (primary key page + the Page's local date) lets exactly
 * one of them run each Page each local day.
 * It also forgets early STOP/RESUME events whose opt-in can no longer arrive.
 */
@Injectable()
export class SubscriberReconcileJob {
  private readonly logger = new Logger(SubscriberReconcileJob.name);

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly importer: SubscriberImportService,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
  ) {}

  @Cron('0 */15 * * * *', { timeZone: 'UTC' })
  async nightly(): Promise<void> {
    if (!this.config.roles.includes('worker')) return;
    await this.runAll();
  }

  /** Reconciles each Page whose local 03:30 has passed on a local date not yet reconciled; returns the Pages this process ran. */
  async runAll(): Promise<string[]> {
    const dialect = new SqlDialect(this.dataSource);
    // An archived Page (another shop holds it now) has nobody to ask Meta about.
    const pages = (await this.dataSource.query(
      'SELECT p.id, p.timezone, (SELECT MAX(r.run_date) FROM reconcile_runs r WHERE r.page_id = p.id) AS last_run FROM pages p WHERE p.transferred_at IS NULL',
    )) as Array<{ id: string; timezone: string; last_run: string | null }>;
    await this.subscriptions.pruneEarlyStatusEvents(new Date(this.clock.now().getTime() - EARLY_STATUS_EVENTS_KEPT_MS));
    const ran: string[] = [];
    for (const { id, timezone, last_run } of pages) {
      const day = reconcileDueDate(this.clock.now(), timezone, last_run);
      if (day === null) continue;
      const claimed = await SqlDialect.execute(
        this.dataSource,
        `${dialect.insertIgnore()} INTO reconcile_runs (page_id, run_date, started_at) VALUES (?, ?, ?)`,
        [id, day, dialect.time(this.clock.now())],
      );
      if (claimed !== 1) continue;
      try {
        await this.importer.importPage(id, { reconcile: true });
        ran.push(id);
      } catch (error) {
        this.logger.warn({ msg: 'reconcile failed', pageId: id, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return ran;
  }
}
