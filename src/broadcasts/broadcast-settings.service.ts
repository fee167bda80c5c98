import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { DEFAULT_BROADCAST_SETTINGS, PageBroadcastSettings } from './entities/page-broadcast-settings.entity';

export interface BroadcastSettings {
  pageId: string;
  periodHours: number;
  ratePerSecond: number;
  concurrency: number;
}

/** A Page's broadcast settings (defaults until the shop sets them) and the shared send-slot line. */
@Injectable()
export class BroadcastSettingsService {
  private readonly repo: Repository<PageBroadcastSettings>;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly clock: Clock,
  ) {
    this.repo = dataSource.getRepository(PageBroadcastSettings);
    this.dialect = new SqlDialect(dataSource);
  }

  async forShop(shopId: string, pageId: string): Promise<BroadcastSettings> {
    await this.pages.getForShop(shopId, pageId);
    return this.forPage(pageId);
  }

  async forPage(pageId: string): Promise<BroadcastSettings> {
    const row = await this.repo.findOne({ where: { pageId } });
    return row
      ? { pageId, periodHours: row.periodHours, ratePerSecond: row.ratePerSecond, concurrency: row.concurrency }
      : { pageId, ...DEFAULT_BROADCAST_SETTINGS };
  }

  async update(shopId: string, pageId: string, changes: Partial<Omit<BroadcastSettings, 'pageId'>>): Promise<BroadcastSettings> {
    const current = await this.forShop(shopId, pageId);
    const next = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    await this.ensureRow(pageId);
    await this.repo.update(
      { pageId },
      { periodHours: next.periodHours, ratePerSecond: next.ratePerSecond, concurrency: next.concurrency, updatedAt: this.clock.now() },
    );
    return next;
  }

  /**
   * Reserves `slots` send slots of `intervalMs` on the Page's slot line and returns when the first
   * may go. Every worker process reserves from the same row, so the Page's rate holds across them.
   * The line is in wall-clock ms (real throughput towards Meta, not business time).
   */
  async reserveSlots(pageId: string, slots: number, intervalMs: number, wallNowMs: number): Promise<number> {
    await this.ensureRow(pageId);
    const span = Math.ceil(slots * intervalMs);
    const greatest = this.dialect.isMysql ? 'GREATEST' : 'MAX';
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE page_broadcast_settings SET pace_slot_ms = ${greatest}(pace_slot_ms, ?) + ? WHERE page_id = ?`, [
        wallNowMs,
        span,
        pageId,
      ]);
      const [row] = (await manager.query('SELECT pace_slot_ms FROM page_broadcast_settings WHERE page_id = ?', [pageId])) as Array<{
        pace_slot_ms: string | number;
      }>;
      return Number(row!.pace_slot_ms) - span;
    });
  }

  /** A rate limit from Meta: nobody sends for this Page before `untilWallMs`. */
  async holdSlots(pageId: string, untilWallMs: number): Promise<void> {
    await this.ensureRow(pageId);
    const greatest = this.dialect.isMysql ? 'GREATEST' : 'MAX';
    await this.dataSource.query(`UPDATE page_broadcast_settings SET pace_slot_ms = ${greatest}(pace_slot_ms, ?) WHERE page_id = ?`, [
      untilWallMs,
      pageId,
    ]);
  }

  private async ensureRow(pageId: string): Promise<void> {
    const d = DEFAULT_BROADCAST_SETTINGS;
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO page_broadcast_settings (page_id, period_hours, rate_per_second, concurrency, pace_slot_ms, updated_at) VALUES (?, ?, ?, ?, 0, ?)`,
      [pageId, d.periodHours, d.ratePerSecond, d.concurrency, this.dialect.time(this.clock.now())],
    );
  }
}
