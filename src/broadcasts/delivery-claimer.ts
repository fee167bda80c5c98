import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';

export const LEASE_MS = 20_000;

export interface ClaimedBatch {
  /** Unique per batch: the lease owner written on its rows, and the condition of every later write. */
  owner: string;
  ids: string[];
}

/**
 * Claims due delivery rows of one campaign. MySQL: `SELECT … FOR UPDATE SKIP LOCKED` on the covering
 * index ix_deliveries_due in a short transaction, then mark them claimed (lease owner and expiry,
 * attempts counted here) and commit, so several worker processes take disjoint batches without
 * waiting on each other. SQLite (one process): the same selection, then a conditional UPDATE (`AND
 * status = 'pending'`) that only takes rows nobody took meanwhile. The send happens after, outside.
 */
@Injectable()
export class DeliveryClaimer {
  private readonly dialect: SqlDialect;
  private batchSeq = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  async claimBatch(campaignId: string, size: number, workerId: string): Promise<ClaimedBatch> {
    const now = this.clock.now();
    const owner = `${workerId}#${++this.batchSeq}`;
    const leaseUntil = this.dialect.time(new Date(now.getTime() + LEASE_MS));
    const select = `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status = 'pending' AND send_after <= ? ORDER BY send_after, id LIMIT ${Math.max(1, Math.floor(size))}`;
    const claim = (ids: string[]): string =>
      `UPDATE campaign_deliveries SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
        WHERE id IN (${ids.map(() => '?').join(',')}) AND status = 'pending'`;
    const params = (ids: string[]): unknown[] => [owner, leaseUntil, this.dialect.time(now), ...ids];

    if (this.dialect.isMysql) {
      // READ COMMITTED: no gap locks, so the claim never holds up the fan-out's inserts.
      const ids = await this.dataSource.transaction('READ COMMITTED', async (manager) => {
        const rows = (await manager.query(`${select} FOR UPDATE SKIP LOCKED`, [campaignId, this.dialect.time(now)])) as Array<{
          id: string | number;
        }>;
        const found = rows.map((r) => String(r.id));
        if (found.length > 0) await manager.query(claim(found), params(found));
        return found;
      });
      return { owner, ids };
    }
    const rows = (await this.dataSource.query(select, [campaignId, this.dialect.time(now)])) as Array<{ id: string | number }>;
    const candidates = rows.map((r) => String(r.id));
    if (candidates.length === 0) return { owner, ids: [] };
    const taken = await SqlDialect.execute(this.dataSource, claim(candidates), params(candidates));
    if (taken === candidates.length) return { owner, ids: candidates };
    const mine = (await this.dataSource.query(
      `SELECT id FROM campaign_deliveries WHERE id IN (${candidates.map(() => '?').join(',')}) AND lease_owner = ?`,
      [...candidates, owner],
    )) as Array<{ id: string | number }>;
    return { owner, ids: mine.map((r) => String(r.id)) };
  }

  /** Gives claimed rows back untouched (nothing was sent): pending again, the attempt not counted. */
  async release(owner: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE campaign_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1, updated_at = ?
        WHERE id IN (${ids.map(() => '?').join(',')}) AND lease_owner = ? AND status = 'sending'`,
      [this.dialect.time(this.clock.now()), ...ids, owner],
    );
  }

  /**
   * Rows whose lease ran out while `sending`: their worker died or stalled after claiming them, and
   * the send may have reached Meta, so they become `uncertain` (never pending: Meta has no
   * idempotency key). The lease owner stays, so a late report from that worker still counts.
   */
  async sweepExpiredLeases(limit = 1000): Promise<number> {
    const now = this.dialect.time(this.clock.now());
    const rows = (await this.dataSource.query(
      `SELECT id FROM campaign_deliveries WHERE status = 'sending' AND lease_until < ? LIMIT ${limit}`,
      [now],
    )) as Array<{ id: string | number }>;
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => String(r.id));
    return SqlDialect.execute(
      this.dataSource,
      `UPDATE campaign_deliveries SET status = 'uncertain', reason = 'lease_expired', lease_until = NULL, updated_at = ?
        WHERE id IN (${ids.map(() => '?').join(',')}) AND status = 'sending' AND lease_until < ?`,
      [now, ...ids, now],
    );
  }
}
