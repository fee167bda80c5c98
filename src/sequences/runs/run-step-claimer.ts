import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { SqlDialect } from '../../database/sql-dialect';
import type { OnForbidden, RunStepContent, RunStepType } from '../step-content';
import type { ClaimedStep } from './claimed-step';

interface ClaimedRow {
  id: string;
  run_id: string;
  position: number | string;
  type: RunStepType;
  on_forbidden: OnForbidden;
  content: string;
  attempts: number | string;
  lease_owner: string;
  page_id: string;
  psid: string;
  node_id: string | null;
  sequence_id: string;
  flow_version: number | string | null;
}

/**
 * Takes due steps for one worker. Each claim marks its rows `sending` under a lease token of its own,
 * counting the attempt, so any number of processes can poll one database and a step goes to one of them:
 * on MySQL the due rows are picked `FOR UPDATE SKIP LOCKED` in a short transaction (concurrent workers
 * take different rows instead of queueing); on SQLite (one writer) the conditional
 * `UPDATE … WHERE status = 'pending'` alone is the claim. Nothing is sent inside the transaction.
 * The polling query is served by ix_run_steps_due (status, due_at).
 */
@Injectable()
export class RunStepClaimer {
  private readonly dialect: SqlDialect;

  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {
    this.dialect = new SqlDialect(dataSource);
  }

  async claimDue(leaseToken: string, limit: number, now: Date, leaseUntil: Date): Promise<ClaimedStep[]> {
    const due = this.dialect.time(now);
    const claim = [leaseToken, this.dialect.time(leaseUntil)];
    if (this.dialect.isMysql) {
      // READ COMMITTED: no gap locks on ix_run_steps_due, so dispatches inserting new pending steps never wait on a claim.
      const claimed = await this.dataSource.transaction('READ COMMITTED', async (em) => {
        const rows = (await em.query(
          `SELECT id FROM run_steps WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED`,
          [due],
        )) as Array<{ id: string }>;
        if (rows.length === 0) return 0;
        return SqlDialect.execute(
          em,
          `UPDATE run_steps SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1, attempted_at = NULL
           WHERE id IN (${rows.map(() => '?').join(', ')}) AND status = 'pending'`,
          [...claim, ...rows.map((r) => r.id)],
        );
      });
      if (claimed === 0) return [];
    } else {
      const changed = await SqlDialect.execute(
        this.dataSource,
        `UPDATE run_steps SET status = 'sending', lease_owner = ?, lease_until = ?, attempts = attempts + 1, attempted_at = NULL
         WHERE id IN (SELECT id FROM run_steps WHERE status = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ${Number(limit)})
           AND status = 'pending'`,
        [...claim, due],
      );
      if (changed === 0) return [];
    }
    const rows = (await this.dataSource.query(
      `SELECT s.id, s.run_id, s.position, s.type, s.on_forbidden, s.content, s.attempts, s.lease_owner, s.node_id, r.page_id, r.psid, r.sequence_id, r.flow_version
       FROM run_steps s JOIN sequence_runs r ON r.id = s.run_id
       WHERE s.lease_owner = ? AND s.status = 'sending'`,
      [leaseToken],
    )) as ClaimedRow[];
    return rows.map((row) => ({
      id: row.id,
      runId: row.run_id,
      position: Number(row.position),
      type: row.type,
      onForbidden: row.on_forbidden,
      content: JSON.parse(row.content) as RunStepContent,
      attempts: Number(row.attempts),
      leaseOwner: row.lease_owner,
      pageId: row.page_id,
      psid: row.psid,
      nodeId: row.node_id,
      ...(row.flow_version !== null && {
        flow: { id: row.run_id, pageId: row.page_id, psid: row.psid, flowId: row.sequence_id, version: Number(row.flow_version) },
      }),
    }));
  }

  /**
   * Marks a claimed step as attempted right before its send starts. False when the step is no longer
   * this lease's (it ran out and the sweep gave the step back, or another worker holds it): not to be sent.
   */
  async markAttempted(step: { id: string; leaseOwner: string }, now: Date): Promise<boolean> {
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE run_steps SET attempted_at = ? WHERE id = ? AND lease_owner = ? AND status = 'sending' AND attempted_at IS NULL`,
      [this.dialect.time(now), step.id, step.leaseOwner],
    );
    return changed === 1;
  }
}
