import { Injectable } from '@nestjs/common';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { PluginMetrics } from '../metrics/plugin-metrics';

/** Real elapsed time for throttling: requests per second towards Meta are not business time. */
export abstract class WallTime {
  abstract nowMs(): number;
  abstract sleep(ms: number): Promise<void>;
}

export class SystemWallTime extends WallTime {
  nowMs(): number {
    return Date.now();
  }
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

interface SlotRun {
  next: number;
  end: number;
  intervalMs: number;
}

/**
 * Spaces a Page's sends at its rate, across every worker process: slots are reserved in small runs
 * (a fifth of a second's worth) from the Page's row (BroadcastSettingsService.reserveSlots) and
 * handed out here one by one. A rate of 0 turns throttling off.
 */
@Injectable()
export class PagePacer {
  private readonly runs = new Map<string, SlotRun>();
  private readonly reserving = new Map<string, Promise<void>>();

  constructor(
    private readonly settings: BroadcastSettingsService,
    private readonly wall: WallTime,
    private readonly metrics: PluginMetrics,
  ) {}

  async acquire(pageId: string, ratePerSecond: number): Promise<void> {
    if (ratePerSecond <= 0) return;
    const intervalMs = 1000 / ratePerSecond;
    for (;;) {
      const run = this.runs.get(pageId);
      if (run && run.intervalMs === intervalMs && run.next < run.end) {
        const at = run.next;
        run.next += intervalMs;
        const wait = at - this.wall.nowMs();
        if (wait > 1) {
          this.metrics.rateLimitWaits.inc({ source: 'page_pace' });
          this.metrics.rateLimitWaitSeconds.inc({ source: 'page_pace' }, wait / 1000);
          await this.wall.sleep(wait);
        }
        return;
      }
      let pending = this.reserving.get(pageId);
      if (!pending) {
        pending = this.reserve(pageId, intervalMs, Math.max(1, Math.round(ratePerSecond / 5))).finally(() => this.reserving.delete(pageId));
        this.reserving.set(pageId, pending);
      }
      await pending;
    }
  }

  /** Drops the slots this process holds (after a rate limit moved the Page's line). */
  forget(pageId: string): void {
    this.runs.delete(pageId);
  }

  private async reserve(pageId: string, intervalMs: number, slots: number): Promise<void> {
    const start = await this.settings.reserveSlots(pageId, slots, intervalMs, this.wall.nowMs());
    this.runs.set(pageId, { next: start, end: start + slots * intervalMs - intervalMs / 2, intervalMs });
  }
}
