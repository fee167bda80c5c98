import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../common/app-config.provider';
import { Clock } from '../../common/clock';
import { requestContext } from '../../common/request-context';
import { SqlDialect } from '../../database/sql-dialect';
import type { ClaimedStep } from './claimed-step';
import { RunProgress } from './run-progress';
import { RunStepClaimer } from './run-step-claimer';
import { StepSender } from './step-sender';

/** Real time between polls; due times themselves are compared with the injected Clock. */
const POLL_MS = 500;
/** Steps claimed per pass. */
const BATCH = 32;
/**
 * Steps sent at once. On MySQL, below the pool (20): each opt-in request holds one connection for its
 * reservation transaction, and the API and other loops need some too. SQLite has one connection.
 */
const SENDERS = { mysql: 16, sqlite: 32 };
/** Longer than the Graph client's worst case for one send (4 attempts of 10 s plus backoff). */
export const STEP_LEASE_MS = 120_000;

/**
 * Sends due run steps. Runs only in processes whose roles include `worker`: a loop polls every 500 ms
 * and `nudge()` (after a dispatch) starts a pass at once. `runDue()` is the same pass for tests and
 * benchmarks, which move the clock instead of sleeping. Passes of one process never overlap, so a
 * `runDue()` that follows a loop pass sees that pass's sends finished.
 */
@Injectable()
export class SequenceWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SequenceWorker.name);
  private readonly instance = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private claimCount = 0;
  private current?: Promise<number>;
  private nudged = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private readonly senders: number;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly claimer: RunStepClaimer,
    private readonly sender: StepSender,
    private readonly progress: RunProgress,
    @InjectPluginDataSource() dataSource: DataSource,
  ) {
    this.senders = new SqlDialect(dataSource).isMysql ? SENDERS.mysql : SENDERS.sqlite;
  }

  private get isWorker(): boolean {
    return this.config.roles.includes('worker');
  }

  onApplicationBootstrap(): void {
    if (!this.isWorker) return;
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    // Let the pass under way record its outcomes; a step cut off here would only come back as uncertain.
    while (this.current) await this.current;
  }

  /** Something became due in this process (a dispatch): start a pass now instead of at the next poll. */
  nudge(): void {
    if (!this.isWorker || this.stopping) return;
    if (this.current) this.nudged = true;
    else this.tick();
  }

  /** Sends every step due by the clock's now (and those that become due at once), returns how many. */
  async runDue(): Promise<number> {
    while (this.current) await this.current;
    this.current = this.drain().finally(() => (this.current = undefined));
    return this.current;
  }

  private tick(): void {
    if (this.current || this.stopping) return;
    this.runDue().catch((error: unknown) => this.logger.error(error instanceof Error ? error : String(error)));
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      this.nudged = false;
      await this.progress.settleExpiredLeases();
      const done = await this.runPass();
      total += done;
      if ((done === 0 && !this.nudged) || this.stopping) return total;
    }
  }

  private async runPass(): Promise<number> {
    const now = this.clock.now();
    const token = `${this.instance}-${++this.claimCount}`;
    const steps = await this.claimer.claimDue(token, BATCH, now, new Date(now.getTime() + STEP_LEASE_MS));
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < steps.length) {
        const step = steps[next++]!;
        await requestContext.run({ deliveryId: `run-step-${step.id}` }, () => this.process(step));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.senders, steps.length) }, sender));
    return steps.length;
  }

  private async process(step: ClaimedStep): Promise<void> {
    // Attempted only now: a step claimed but never started goes back to pending if this process dies.
    if (!(await this.claimer.markAttempted(step, this.clock.now()))) return;
    try {
      const outcome = await this.sender.send(step).catch((error: unknown) => ({
        kind: 'retry' as const,
        error: error instanceof Error ? error.message : String(error),
      }));
      await this.progress.record(step, outcome);
      if (outcome.kind !== 'sent') this.logger.log({ msg: 'run step not sent', runStepId: step.id, runId: step.runId, outcome });
    } catch (error) {
      // The outcome could not be written: the lease runs out and the step becomes uncertain, never resent.
      this.logger.error({
        msg: 'recording a run step outcome failed',
        runStepId: step.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
