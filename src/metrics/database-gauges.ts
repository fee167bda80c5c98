import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { PluginMetrics } from './plugin-metrics';

/**
 * Gauges read from the database when Prometheus scrapes, so every process shows the same truth
 * whichever did the work. Each is one query on an index: the inbox backlog through ix_webhook_inbox_due
 * (status first), pending rows per campaign through ix_campaigns_due then ix_deliveries_due.
 */
@Injectable()
export class DatabaseGauges implements OnModuleInit {
  constructor(
    private readonly metrics: PluginMetrics,
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const read = (): Promise<InboxBacklog> => this.inboxBacklog();
    // One query serves both inbox gauges: the first to collect starts it, the second reuses it.
    let backlog: Promise<InboxBacklog> | undefined;
    const shared = (): Promise<InboxBacklog> => {
      backlog ??= read().finally(() => setImmediate(() => (backlog = undefined)));
      return backlog;
    };
    new Gauge({
      name: 'mm_webhook_inbox_backlog',
      help: 'Webhook deliveries stored but not processed yet (pending or processing)',
      registers: [this.metrics.registry],
      async collect() {
        this.set((await shared()).count);
      },
    });
    new Gauge({
      name: 'mm_webhook_inbox_oldest_age_seconds',
      help: 'Age of the oldest unprocessed webhook delivery (0 when there is none)',
      registers: [this.metrics.registry],
      async collect() {
        this.set((await shared()).oldestAgeSeconds);
      },
    });
    const pending = (): Promise<Array<{ campaignId: string; count: number }>> => this.pendingPerCampaign();
    new Gauge({
      name: 'mm_campaign_deliveries_pending',
      help: 'Delivery rows waiting to be sent, per running or paused campaign',
      labelNames: ['campaign_id'] as const,
      registers: [this.metrics.registry],
      async collect() {
        // Campaigns that finished drop out of the series instead of staying at their last value.
        this.reset();
        for (const row of await pending()) this.set({ campaign_id: row.campaignId }, row.count);
      },
    });
  }

  private async inboxBacklog(): Promise<InboxBacklog> {
    const [row] = (await this.dataSource.query(
      "SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM webhook_inbox WHERE status IN ('pending', 'processing')",
    )) as Array<{ n: number | string; oldest: unknown }>;
    const oldest = SqlDialect.parseOptionalTime(row?.oldest);
    return {
      count: Number(row?.n ?? 0),
      oldestAgeSeconds: oldest ? Math.max(0, (this.clock.now().getTime() - oldest.getTime()) / 1000) : 0,
    };
  }

  private async pendingPerCampaign(): Promise<Array<{ campaignId: string; count: number }>> {
    const rows = (await this.dataSource.query(
      `SELECT d.campaign_id AS campaign_id, COUNT(*) AS n
         FROM campaigns c JOIN campaign_deliveries d ON d.campaign_id = c.id AND d.status = 'pending'
        WHERE c.status IN ('running', 'paused')
        GROUP BY d.campaign_id`,
    )) as Array<{ campaign_id: string | number; n: number | string }>;
    return rows.map((r) => ({ campaignId: String(r.campaign_id), count: Number(r.n) }));
  }
}

interface InboxBacklog {
  count: number;
  oldestAgeSeconds: number;
}
