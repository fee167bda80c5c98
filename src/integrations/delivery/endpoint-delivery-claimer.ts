import { Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import { SqlDialect } from '../../database/sql-dialect';

/** A claimed delivery with what its POST needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  url: string;
  secretEnc: string;
  eventId: string;
  eventType: string;
  envelope: string;
  attempts: number;
  giveUpAt: Date;
}

/**
 * The head of each (endpoint, ordering key) queue: a pending, due row with no earlier row of its queue
 * still pending or being delivered. That condition is what keeps a customer's (or a campaign's) events in
 * order per endpoint: a later one waits until the earlier is delivered or given up (`failed`).
 */
const HEADS = `d.status = 'pending' AND d.next_attempt_at <= ?
  AND NOT EXISTS (SELECT 1 FROM endpoint_deliveries e WHERE e.endpoint_id = d.endpoint_id AND e.ordering_key = d.ordering_key
                  AND e.status IN ('pending', 'delivering') AND e.id < d.id)`;

/**
 * Claims due queue heads for one pass, as DeliveryClaimer and RunStepClaimer do: MySQL picks them
 * `FOR UPDATE SKIP LOCKED` in a short READ COMMITTED transaction and marks them `delivering` under the
 * pass's lease owner (attempts counted here); SQLite (one writer) lets the conditional
 * `UPDATE … WHERE status = 'pending'` alone be the claim. A row being delivered keeps the rest of its
 * queue back (HEADS), so two processes never post two events of one queue at once. The POST happens
 * after the commit, outside any transaction.
 */
@Injectable()
export class EndpointDeliveryClaimer {
  private readonly dialect: SqlDialect;

  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {
    this.dialect = new SqlDialect(dataSource);
  }

  async claim(owner: string, limit: number, now: Date, leaseUntil: Date): Promise<ClaimedDelivery[]> {
    const due = this.dialect.time(now);
    const mark = `UPDATE endpoint_deliveries SET status = 'delivering', claimed_by = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?`;
    const params = [owner, this.dialect.time(leaseUntil), due];
    if (this.dialect.isMysql) {
      const claimed = await this.dataSource.transaction('READ COMMITTED', async (em) => {
        const rows = (await em.query(
          `SELECT d.id FROM endpoint_deliveries d WHERE ${HEADS} ORDER BY d.id LIMIT ${Math.floor(limit)} FOR UPDATE SKIP LOCKED`,
          [due],
        )) as Array<{ id: string | number }>;
        if (rows.length === 0) return 0;
        return SqlDialect.execute(em, `${mark} WHERE id IN (${rows.map(() => '?').join(', ')}) AND status = 'pending'`, [
          ...params,
          ...rows.map((r) => String(r.id)),
        ]);
      });
      if (claimed === 0) return [];
    } else {
      const changed = await SqlDialect.execute(
        this.dataSource,
        `${mark} WHERE id IN (SELECT d.id FROM endpoint_deliveries d WHERE ${HEADS} ORDER BY d.id LIMIT ${Math.floor(limit)}) AND status = 'pending'`,
        [...params, due],
      );
      if (changed === 0) return [];
    }
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.endpoint_id, p.url, p.secret_enc, d.event_id, e.type, e.envelope, d.attempts, d.give_up_at
         FROM endpoint_deliveries d JOIN integration_endpoints p ON p.id = d.endpoint_id JOIN domain_events e ON e.id = d.event_id
        WHERE d.claimed_by = ? AND d.status = 'delivering' ORDER BY d.id`,
      [owner],
    )) as Array<{
      id: string | number;
      endpoint_id: string;
      url: string;
      secret_enc: string;
      event_id: string;
      type: string;
      envelope: string;
      attempts: number | string;
      give_up_at: unknown;
    }>;
    return rows.map((r) => ({
      id: String(r.id),
      endpointId: r.endpoint_id,
      url: r.url,
      secretEnc: r.secret_enc,
      eventId: r.event_id,
      eventType: r.type,
      envelope: r.envelope,
      attempts: Number(r.attempts),
      giveUpAt: SqlDialect.parseTime(r.give_up_at),
    }));
  }

  /** Delivered: the receiver answered 2xx. Only while this pass still holds the row. */
  async delivered(row: ClaimedDelivery, owner: string, status: number, at: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE endpoint_deliveries SET status = 'delivered', delivered_at = ?, last_status = ?, last_error = NULL, claimed_by = NULL, lease_until = NULL, updated_at = ?
        WHERE id = ? AND claimed_by = ? AND status = 'delivering'`,
      [this.dialect.time(at), status, this.dialect.time(at), row.id, owner],
    );
  }

  /** Not delivered: pending again at `retryAt`, or `failed` (given up) when that is past its day. */
  async notDelivered(
    row: ClaimedDelivery,
    owner: string,
    outcome: { status: number | null; error: string },
    retryAt: Date,
    at: Date,
  ): Promise<void> {
    const givenUp = retryAt.getTime() >= row.giveUpAt.getTime();
    await this.dataSource.query(
      `UPDATE endpoint_deliveries SET status = ?, next_attempt_at = ?, last_status = ?, last_error = ?, claimed_by = NULL, lease_until = NULL, updated_at = ?
        WHERE id = ? AND claimed_by = ? AND status = 'delivering'`,
      [
        givenUp ? 'failed' : 'pending',
        this.dialect.time(givenUp ? at : retryAt),
        outcome.status,
        outcome.error.slice(0, 1000),
        this.dialect.time(at),
        row.id,
        owner,
      ],
    );
  }

  /**
   * Deletes up to 500 events that occurred before `before` and have nothing left to deliver (their
   * delivery rows go with them, ON DELETE CASCADE). Returns how many.
   */
  async pruneEvents(before: Date): Promise<number> {
    const done = `occurred_at < ? AND NOT EXISTS (SELECT 1 FROM endpoint_deliveries d WHERE d.event_id = domain_events.id AND d.status IN ('pending', 'delivering'))`;
    const sql = this.dialect.isMysql
      ? `DELETE FROM domain_events WHERE ${done} LIMIT 500`
      : `DELETE FROM domain_events WHERE id IN (SELECT id FROM domain_events WHERE ${done} LIMIT 500)`;
    return SqlDialect.execute(this.dataSource, sql, [this.dialect.time(before)]);
  }

  /**
   * Rows whose pass died or stalled past its lease go back to pending, due now: the POST may have reached
   * the receiver, so this is the one case an event can arrive twice (the receiver deduplicates on its id).
   */
  async sweepExpiredLeases(now: Date): Promise<number> {
    const t = this.dialect.time(now);
    return SqlDialect.execute(
      this.dataSource,
      `UPDATE endpoint_deliveries SET status = 'pending', claimed_by = NULL, lease_until = NULL, next_attempt_at = ?, last_error = 'lease expired', updated_at = ?
        WHERE status = 'delivering' AND lease_until < ?`,
      [t, t, t],
    );
  }
}
