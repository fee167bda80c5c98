import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { SubscriberImportService } from './subscriber-import.service';
import { SubscriptionsService } from './subscriptions.service';

/** Meta retries a webhook delivery for up to a day (platform doc §3); two days leaves a margin. */
const EARLY_STATUS_EVENTS_KEPT_MS = 2 * 24 * 3600_000;

/**
 * Nightly reconcile of every Page against Meta's token listing. Every worker process fires the cron;
 * the row in `reconcile_runs` (primary key page + day) lets exactly one of them run each Page each day.
 * It also forgets early STOP/RESUME events whose opt-in can no longer arrive.
 */
@Injectable()
export class SubscriberReconcileJob {
  private readonly logger = new Logger(SubscriberReconcileJob.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly importer: SubscriberImportService,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
  ) {}

  @Cron('0 30 3 * * *', { timeZone: 'UTC' })
  async nightly(): Promise<void> {
    if (!this.config.roles.includes('worker')) return;
    await this.runAll();
  }

  /** Reconciles each Page not yet reconciled today; returns the Pages this process ran. */
  async runAll(): Promise<string[]> {
    const day = this.clock.now().toISOString().slice(0, 10);
    const dialect = new SqlDialect(this.dataSource);
    // An archived Page (another shop holds it now) has nobody to ask Meta about.
    const pages = (await this.dataSource.query('SELECT id FROM pages WHERE transferred_at IS NULL')) as Array<{ id: string }>;
    await this.subscriptions.pruneEarlyStatusEvents(new Date(this.clock.now().getTime() - EARLY_STATUS_EVENTS_KEPT_MS));
    const ran: string[] = [];
    for (const { id } of pages) {
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
