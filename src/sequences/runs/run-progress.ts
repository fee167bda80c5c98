import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import { SqlDialect } from '../../database/sql-dialect';
import type { OnForbidden } from '../step-content';
import { FlowSteps, type FlowRunEnd, type FlowRunRef } from './flow-steps';
import { afterRetryable, runContinues, type FinalOutcome, type StepOutcome } from './step-outcome';

/** The step whose outcome is recorded; `leaseOwner` is absent when the lease sweep settles it. */
export interface StepRef {
  id: string;
  runId: string;
  position: number;
  onForbidden: OnForbidden;
  attempts: number;
  leaseOwner?: string;
  /** A flow run's step: the node it sent, and the run it belongs to (FlowSteps decides what follows). */
  nodeId?: string | null;
  flow?: FlowRunRef;
}

const LEASE_SWEEP_BATCH = 100;

/**
 * Records what became of a step and moves its run on, in one short transaction: the step's outcome,
 * then the next step scheduled (due its delay after now), or the remaining steps canceled and the run
 * ended. Every write is conditional on the step still being `sending` under the same lease, so a worker
 * whose lease ran out (and whose step the sweep called `uncertain`) cannot move the run a second time.
 */
@Injectable()
export class RunProgress {
  private readonly logger = new Logger(RunProgress.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly flowSteps: FlowSteps,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  async record(step: StepRef & { leaseOwner: string }, outcome: StepOutcome): Promise<void> {
    const now = this.clock.now();
    if (outcome.kind !== 'retry') return this.finish(step, outcome, now);
    const next = afterRetryable(outcome, step.attempts, now);
    if (!('retryAt' in next)) return this.finish(step, next, now);
    await this.dataSource.query(
      `UPDATE run_steps SET status = 'pending', due_at = ?, lease_owner = NULL, lease_until = NULL, last_error = ?
       WHERE id = ? AND status = 'sending' AND lease_owner = ?`,
      [this.dialect.time(next.retryAt), outcome.error.slice(0, 1000), step.id, step.leaseOwner],
    );
  }

  /**
   * Steps whose worker died (or hung) after claiming them. Those whose send never started (attempted_at
   * NULL) go back to pending, the attempt not counted, and are sent by the next pass. Those whose send had
   * started may have reached Meta, so they become `uncertain` and are never sent again; their runs go on
   * with the next step.
   */
  async settleExpiredLeases(): Promise<number> {
    const now = this.clock.now();
    await this.dataSource.query(
      `UPDATE run_steps SET status = 'pending', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
        WHERE status = 'sending' AND lease_until < ? AND attempted_at IS NULL`,
      [this.dialect.time(now)],
    );
    const rows = (await this.dataSource.query(
      `SELECT id, run_id, position, on_forbidden, attempts, node_id FROM run_steps WHERE status = 'sending' AND lease_until < ? LIMIT ${LEASE_SWEEP_BATCH}`,
      [this.dialect.time(now)],
    )) as Array<{
      id: string;
      run_id: string;
      position: number | string;
      on_forbidden: OnForbidden;
      attempts: number | string;
      node_id: string | null;
    }>;
    for (const row of rows) {
      this.logger.warn({ msg: 'run step lease expired while sending: marked uncertain, not resent', runStepId: row.id, runId: row.run_id });
      await this.finish(
        {
          id: row.id,
          runId: row.run_id,
          position: Number(row.position),
          onForbidden: row.on_forbidden,
          attempts: Number(row.attempts),
          nodeId: row.node_id,
        },
        {
          kind: 'uncertain',
          error: 'the worker holding this step stopped while sending; it may have reached Meta, so it is not sent again',
        },
        now,
      );
    }
    return rows.length;
  }

  private async finish(step: StepRef, outcome: FinalOutcome, now: Date): Promise<void> {
    const t = this.dialect.time(now);
    const [messageId, skipRule, detail] =
      outcome.kind === 'sent'
        ? [outcome.messageId, null, null]
        : outcome.kind === 'skipped'
          ? [null, outcome.rule, outcome.detail ?? null]
          : [null, null, outcome.error.slice(0, 1000)];
    const [holder, holderParam] = step.leaseOwner === undefined ? ['lease_until < ?', t] : ['lease_owner = ?', step.leaseOwner];
    await this.dataSource.transaction(async (em) => {
      const changed = await SqlDialect.execute(
        em,
        `UPDATE run_steps SET status = ?, message_id = ?, skip_rule = ?, last_error = ?, finished_at = ?, lease_until = NULL
         WHERE id = ? AND status = 'sending' AND ${holder}`,
        [outcome.kind, messageId, skipRule, detail, t, step.id, holderParam],
      );
      if (changed !== 1) return;
      if (step.nodeId) {
        const flow = step.flow ?? (await this.flowRun(em, step.runId));
        const end = flow ? await this.flowSteps.afterStep(em, flow, { nodeId: step.nodeId }, outcome, now) : undefined;
        if (end) await this.endRun(em, step.runId, end, t);
        return;
      }
      if (runContinues(outcome, step.onForbidden)) {
        const [next] = (await em.query('SELECT id, delay_seconds FROM run_steps WHERE run_id = ? AND position = ?', [
          step.runId,
          step.position + 1,
        ])) as Array<{
          id: string;
          delay_seconds: number | string;
        }>;
        if (next) {
          const dueAt = new Date(now.getTime() + Number(next.delay_seconds) * 1000);
          await em.query(`UPDATE run_steps SET status = 'pending', due_at = ? WHERE id = ? AND status = 'waiting'`, [
            this.dialect.time(dueAt),
            next.id,
          ]);
        } else {
          await em.query(`UPDATE sequence_runs SET status = 'completed', finished_at = ? WHERE id = ? AND status = 'running'`, [
            t,
            step.runId,
          ]);
        }
        return;
      }
      await this.endRun(
        em,
        step.runId,
        outcome.kind === 'skipped'
          ? { status: 'stopped', reason: `step ${step.position}: ${outcome.rule}` }
          : { status: 'failed', reason: `step ${step.position}: ${detail ?? outcome.kind}` },
        t,
      );
    });
  }

  /** A flow run as the lease sweep (which has only the step) needs it. */
  private async flowRun(em: EntityManager, runId: string): Promise<FlowRunRef | undefined> {
    const [row] = (await em.query('SELECT page_id, psid, sequence_id, flow_version FROM sequence_runs WHERE id = ?', [runId])) as Array<{
      page_id: string;
      psid: string;
      sequence_id: string;
      flow_version: number | string | null;
    }>;
    if (!row || row.flow_version === null) return undefined;
    return { id: runId, pageId: row.page_id, psid: row.psid, flowId: row.sequence_id, version: Number(row.flow_version) };
  }

  /** The run ends: its steps still waiting are canceled. */
  private async endRun(em: EntityManager, runId: string, end: FlowRunEnd, t: Date | string): Promise<void> {
    await em.query(`UPDATE run_steps SET status = 'canceled', finished_at = ? WHERE run_id = ? AND status = 'waiting'`, [t, runId]);
    await em.query(`UPDATE sequence_runs SET status = ?, end_reason = ?, finished_at = ? WHERE id = ? AND status = 'running'`, [
      end.status,
      end.reason?.slice(0, 200) ?? null,
      t,
      runId,
    ]);
  }
}
