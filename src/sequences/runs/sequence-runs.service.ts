import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock';
import type { MoneyStyle } from '../../common/money';
import { notFound } from '../../common/domain-error';
import { PagesService } from '../../pages/pages.service';
import { RunStep } from '../entities/run-step.entity';
import { SequenceRun, type RunSource } from '../entities/sequence-run.entity';
import { SequenceStep } from '../entities/sequence-step.entity';
import { placeholderValues, type OrderContext } from '../placeholders';
import { renderContent, type StepContent } from '../step-content';
import { FlowSteps, type StartFlowRunInput } from './flow-steps';
import { SequenceWorker } from './sequence-worker';

export interface StartRunInput {
  /** Given by a caller that records the run id in its own row of the same transaction. */
  runId?: string;
  sequenceId: string;
  pageId: string;
  psid: string;
  source: RunSource;
  order?: OrderContext;
  /** How the Page writes money (PagesService.moneyStyle), read before the caller's transaction. */
  moneyStyle: MoneyStyle;
}

/** Starting runs (durably, in the caller's transaction) and reading them back. */
@Injectable()
export class SequenceRuns {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly worker: SequenceWorker,
    private readonly pages: PagesService,
    private readonly flowSteps: FlowSteps,
  ) {}

  /**
   * Writes a flow run and the step of its first message node (FlowSteps), inside `em`'s transaction;
   * later steps are added as the run goes. A path that ends before any message leaves the run completed.
   * Returns the run id; call `nudge()` after the commit.
   */
  async startFlowIn(em: EntityManager, input: StartFlowRunInput): Promise<string> {
    return this.flowSteps.startRunIn(em, input);
  }

  /** A run with its steps, by id alone (flows check it is theirs). */
  async find(runId: string): Promise<{ run: SequenceRun; steps: RunStep[] } | undefined> {
    const run = await this.dataSource.getRepository(SequenceRun).findOne({ where: { id: runId } });
    if (!run) return undefined;
    const steps = await this.dataSource.getRepository(RunStep).find({ where: { runId }, order: { position: 'ASC' } });
    return { run, steps };
  }

  /**
   * Writes the run and one row per step, the order's fields rendered in, inside `em`'s transaction: the
   * first step due after its delay, the others `waiting` for the one before them. Returns the run id.
   * Call `nudge()` after the commit so a local worker sends what is due at once.
   */
  async startIn(em: EntityManager, input: StartRunInput): Promise<string> {
    const steps = await em.find(SequenceStep, { where: { sequenceId: input.sequenceId }, order: { position: 'ASC' } });
    if (steps.length === 0) throw notFound('Sequence', 'sequenceId');
    const now = this.clock.now();
    const run: SequenceRun = {
      id: input.runId ?? randomUUID(),
      sequenceId: input.sequenceId,
      pageId: input.pageId,
      psid: input.psid,
      source: input.source,
      flowVersion: null,
      status: 'running',
      endReason: null,
      createdAt: now,
      finishedAt: null,
    };
    const values = placeholderValues(input.order, input.moneyStyle);
    const rows: RunStep[] = steps.map((step, index) => ({
      id: randomUUID(),
      runId: run.id,
      position: step.position,
      type: step.type,
      delaySeconds: step.delaySeconds,
      onForbidden: step.onForbidden,
      topicId: step.topicId,
      content: JSON.stringify(renderContent(JSON.parse(step.content) as StepContent, values)),
      status: index === 0 ? 'pending' : 'waiting',
      dueAt: index === 0 ? new Date(now.getTime() + step.delaySeconds * 1000) : null,
      attempts: 0,
      leaseOwner: null,
      leaseUntil: null,
      attemptedAt: null,
      messageId: null,
      skipRule: null,
      lastError: null,
      finishedAt: null,
      nodeId: null,
    }));
    await em.insert(SequenceRun, run);
    await em.insert(RunStep, rows);
    return run.id;
  }

  /** Starts a run in a transaction of its own (the API's "send this sequence to this person"), money written the Page's way. */
  async start(input: Omit<StartRunInput, 'moneyStyle'>): Promise<string> {
    const moneyStyle = await this.pages.moneyStyle(input.pageId);
    const runId = await this.dataSource.transaction((em) => this.startIn(em, { ...input, moneyStyle }));
    this.nudge();
    return runId;
  }

  nudge(): void {
    this.worker.nudge();
  }

  async get(sequenceId: string, runId: string): Promise<{ run: SequenceRun; steps: RunStep[] }> {
    const run = await this.dataSource.getRepository(SequenceRun).findOne({ where: { id: runId, sequenceId } });
    if (!run) throw notFound('Run', 'runId');
    const steps = await this.dataSource.getRepository(RunStep).find({ where: { runId }, order: { position: 'ASC' } });
    return { run, steps };
  }
}
