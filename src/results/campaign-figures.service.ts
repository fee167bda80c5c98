import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { VOIDED_ORDER_STATUSES } from './attribution.service';
import { campaignIdIn } from './campaign-scope';
import type { Bucket, FigureBucket } from './results-shapes';

const STEP_MS = 15 * 60_000;
const DAY_MS = 86_400_000;

/**
 * Time-bucketed figures of one campaign (or of a series' occurrences together), counted by the database (one UNION ALL of the events, GROUP BY
 * the local hour or day). Local time is the Page's zone: the UTC offsets in force over the campaign's
 * life (Luxon finds the daylight-saving changes) become a CASE over instants, added to each event's
 * time, so a day bucket is a local day even in a zone with a half-hour offset or a DST change.
 * Sends: sent_at; reads: read_at; clicks: recipients' first click (clicked_at); orders and revenue:
 * attributed orders by order time (canceled or returned ones left out; revenue only in the shop's currency).
 */
@Injectable()
export class CampaignFiguresService {
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /** The buckets of the rows of `sentBy` (the campaign itself, or a series' occurrences: campaignIdIn) since `createdAt`. */
  async buckets(
    sentBy: readonly string[],
    createdAt: Date,
    zone: string,
    bucket: Bucket,
    revenueCurrency: string,
  ): Promise<FigureBucket[]> {
    const scope = campaignIdIn(sentBy);
    const offsets = utcOffsets(createdAt.getTime() - DAY_MS, this.clock.now().getTime() + DAY_MS, zone);
    const local = (column: string): { sql: string; params: unknown[] } => {
      const whens = offsets.slice(1).map((o, i) => ({ before: o.from, minutes: offsets[i]!.minutes }));
      const last = offsets[offsets.length - 1]!.minutes;
      const params = whens.map((w) => this.dialect.time(w.before));
      if (this.dialect.isMysql) {
        const minutes =
          whens.length === 0 ? String(last) : `CASE ${whens.map((w) => `WHEN ${column} < ? THEN ${w.minutes}`).join(' ')} ELSE ${last} END`;
        const fmt = bucket === 'hour' ? '%Y-%m-%dT%H' : '%Y-%m-%d';
        return { sql: `DATE_FORMAT(DATE_ADD(${column}, INTERVAL (${minutes}) MINUTE), '${fmt}')`, params };
      }
      const modifier = (m: number): string => `'${m >= 0 ? '+' : '-'}${Math.abs(m)} minutes'`;
      const mod =
        whens.length === 0
          ? modifier(last)
          : `CASE ${whens.map((w) => `WHEN ${column} < ? THEN ${modifier(w.minutes)}`).join(' ')} ELSE ${modifier(last)} END`;
      const fmt = bucket === 'hour' ? '%Y-%m-%dT%H' : '%Y-%m-%d';
      return { sql: `strftime('${fmt}', ${column}, ${mod})`, params };
    };
    const parts: Array<{ sql: string; params: unknown[] }> = [];
    const counts = (sends: number, reads: number, clicks: number): string =>
      `${sends} AS n_sends, ${reads} AS n_reads, ${clicks} AS n_clicks, 0 AS n_orders, 0 AS n_revenue`;
    for (const [column, cols] of [
      ['sent_at', counts(1, 0, 0)],
      ['read_at', counts(0, 1, 0)],
      ['clicked_at', counts(0, 0, 1)],
    ] as const) {
      const l = local(column);
      parts.push({
        sql: `SELECT ${l.sql} AS b, ${cols} FROM campaign_deliveries WHERE ${scope.sql} AND ${column} IS NOT NULL`,
        params: [...l.params, ...scope.params],
      });
    }
    const o = local('order_at');
    parts.push({
      sql: `SELECT ${o.sql} AS b, 0 AS n_sends, 0 AS n_reads, 0 AS n_clicks, 1 AS n_orders, CASE WHEN currency = ? THEN COALESCE(amount, 0) ELSE 0 END AS n_revenue
              FROM campaign_attributions
             WHERE ${scope.sql} AND order_status NOT IN (${VOIDED_ORDER_STATUSES.map(() => '?').join(', ')})`,
      params: [...o.params, revenueCurrency, ...scope.params, ...VOIDED_ORDER_STATUSES],
    });
    const rows = (await this.dataSource.query(
      `SELECT b, SUM(n_sends) AS n_sends, SUM(n_reads) AS n_reads, SUM(n_clicks) AS n_clicks, SUM(n_orders) AS n_orders, SUM(n_revenue) AS n_revenue
         FROM (${parts.map((p) => p.sql).join(' UNION ALL ')}) e GROUP BY b ORDER BY b`,
      parts.flatMap((p) => p.params),
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const label = String(r.b);
      const start =
        bucket === 'hour' ? DateTime.fromFormat(label, "yyyy-MM-dd'T'HH", { zone }) : DateTime.fromISO(label, { zone }).startOf('day');
      return {
        local: label,
        start: start.toUTC().toISO()!,
        sends: Number(r.n_sends ?? 0),
        reads: Number(r.n_reads ?? 0),
        clicks: Number(r.n_clicks ?? 0),
        orders: Number(r.n_orders ?? 0),
        revenue: Number(r.n_revenue ?? 0),
      };
    });
  }
}

/**
 * The zone's UTC offsets (minutes east of UTC) over [fromMs, toMs]: `[{from, minutes}]`, the first valid
 * from -∞ (its `from` is the epoch), each next one from the minute its change took effect (Luxon's tz data).
 */
export function utcOffsets(fromMs: number, toMs: number, zone: string): Array<{ from: Date; minutes: number }> {
  const start = Math.floor(fromMs / 60_000) * 60_000;
  const offsetAt = (ms: number): number => DateTime.fromMillis(ms, { zone }).offset;
  const out = [{ from: new Date(0), minutes: offsetAt(start) }];
  for (let ms = start + STEP_MS; ms <= Math.max(toMs, start); ms += STEP_MS) {
    const minutes = offsetAt(ms);
    if (minutes === out[out.length - 1]!.minutes) continue;
    // The change lies in the last step: find its minute.
    let at = ms - STEP_MS;
    while (offsetAt(at) !== minutes) at += 60_000;
    out.push({ from: new Date(at), minutes });
  }
  return out;
}
