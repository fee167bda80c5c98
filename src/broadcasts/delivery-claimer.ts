import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
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
 * status = 'pending'`) that only takes rows nobody took meanwhile. The send happens after, outside,
 * and each row is marked attempted (markAttempted) right before its own call starts.
 */
@Injectable()
export class DeliveryClaimer {
  private readonly dialect: SqlDialect;
  private batchSeq = 0;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
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
      `UPDATE campaign_deliveries SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1, attempted_at = NULL, updated_at = ?
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
   * Marks rows as attempted right before their Graph calls start (one UPDATE per lease owner for rows
   * whose calls start together), and renews their lease from now, so the sweep measures a send from its
   * start. Returns the ids marked: a row missing from it is no longer this owner's (its lease ran out
   * and the sweep gave it back, or another worker holds it now) and must not be sent.
   */
  async markAttempted(rows: Array<{ id: string; owner: string }>): Promise<Set<string>> {
    const now = this.clock.now();
    const at = this.dialect.time(now);
    const leaseUntil = this.dialect.time(new Date(now.getTime() + LEASE_MS));
    const byOwner = new Map<string, string[]>();
    for (const r of rows) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r.id]);
    const marked = new Set<string>();
    for (const [owner, ids] of byOwner) {
      const inList = ids.map(() => '?').join(',');
      const n = await SqlDialect.execute(
        this.dataSource,
        `UPDATE campaign_deliveries SET attempted_at = ?, lease_until = ?
          WHERE id IN (${inList}) AND lease_owner = ? AND status = 'sending' AND attempted_at IS NULL`,
        [at, leaseUntil, ...ids, owner],
      );
      if (n === ids.length) {
        for (const id of ids) marked.add(id);
        continue;
      }
      const mine = (await this.dataSource.query(
        `SELECT id FROM campaign_deliveries WHERE id IN (${inList}) AND lease_owner = ? AND status = 'sending' AND attempted_at = ?`,
        [...ids, owner, at],
      )) as Array<{ id: string | number }>;
      for (const r of mine) marked.add(String(r.id));
    }
    return marked;
  }

  /**
   * Rows whose lease ran out while `sending`: their worker died or stalled. Rows whose own call never
   * started (attempted_at NULL) go back to pending, their attempt not counted; they keep the daily_sends
   * days they took, as a retry does, and take them again when claimed. Rows whose call had started may
   * have reached Meta, so they become `uncertain` (never resent on our own: Meta has no idempotency
   * key; the delivery webhooks or the shop settle them). Their lease owner stays, so a late report from
   * that worker still counts. Returns how many became uncertain and how many went back to pending.
   */
  async sweepExpiredLeases(limit = 1000): Promise<{ uncertain: number; released: number }> {
    const now = this.dialect.time(this.clock.now());
    const rows = (await this.dataSource.query(
      `SELECT id FROM campaign_deliveries WHERE status = 'sending' AND lease_until < ? LIMIT ${limit}`,
      [now],
    )) as Array<{ id: string | number }>;
    if (rows.length === 0) return { uncertain: 0, released: 0 };
    const ids = rows.map((r) => String(r.id));
    const inList = ids.map(() => '?').join(',');
    const released = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaign_deliveries SET status = 'pending', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1, updated_at = ?
        WHERE id IN (${inList}) AND status = 'sending' AND lease_until < ? AND attempted_at IS NULL`,
      [now, ...ids, now],
    );
    const uncertain = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaign_deliveries SET status = 'uncertain', reason = 'lease_expired', lease_until = NULL, updated_at = ?
        WHERE id IN (${inList}) AND status = 'sending' AND lease_until < ? AND attempted_at IS NOT NULL`,
      [now, ...ids, now],
    );
    return { uncertain, released };
  }
}
