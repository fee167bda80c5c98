import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CustomerOrderBook } from '../../audience/customer-order-book';
import { Clock } from '../../common/clock';
import { SqlDialect } from '../../database/sql-dialect';
import type { RunSource } from '../entities/sequence-run.entity';
import {
  encodeTap,
  isMessageNode,
  nextAfter,
  stepContentOfNode,
  type FlowGraph,
  type FlowNode,
  type MessageNode,
} from '../../flows/flow-graph';
import type { FinalOutcome } from './step-outcome';

/** A flow run as FlowSteps needs it: whose it is and which version of which flow it follows. */
export interface FlowRunRef {
  id: string;
  pageId: string;
  psid: string;
  flowId: string;
  version: number;
}

export interface StartFlowRunInput {
  runId?: string;
  flowId: string;
  /** The version the run follows to its end (taps on its buttons included). */
  version: number;
  pageId: string;
  psid: string;
  source: RunSource;
  /** Where to start; the version's entry when absent. */
  nodeId?: string;
}

/** How a flow run ends after a step, when it does. */
export type FlowRunEnd = { status: 'completed'; reason: null } | { status: 'stopped' | 'failed'; reason: string };

/** More automatic hops (delays, conditions) than any sound graph has: graphProblems refuses loops. */
const MAX_HOPS = 200;
/** Attempts at taking the run's next position when a tap and a finishing step race for it. */
const POSITION_ATTEMPTS = 5;

/**
 * The flow side of the run machinery: a flow run's steps are not copied at the start like a sequence's;
 * they are added one at a time, in the transaction that records the previous step's outcome
 * (RunProgress) or that takes a tap (FlowTaps), as the version's graph says. Delay and condition nodes
 * are resolved here into the next message node and its due time; each message node becomes one
 * `run_steps` row (its `node_id` set), which the ordinary claimer, sender, leases and outcomes handle.
 * Positions are the run's next free one: ux_run_steps_position makes two writers take different ones.
 */
@Injectable()
export class FlowSteps {
  constructor(
    private readonly clock: Clock,
    private readonly orders: CustomerOrderBook,
  ) {}

  /** Versions never change once written, so a graph read once is good for the process's life. */
  private readonly graphs = new Map<string, FlowGraph>();

  async graph(em: EntityManager, flowId: string, version: number): Promise<FlowGraph> {
    const key = `${flowId}:${version}`;
    const cached = this.graphs.get(key);
    if (cached) return cached;
    const [row] = (await em.query('SELECT graph FROM flow_versions WHERE flow_id = ? AND version = ?', [flowId, version])) as Array<{
      graph: string;
    }>;
    if (!row) throw new Error(`flow ${flowId} has no version ${version}`);
    const graph = JSON.parse(row.graph) as FlowGraph;
    if (this.graphs.size > 1000) this.graphs.clear();
    this.graphs.set(key, graph);
    return graph;
  }

  /**
   * Writes a flow run and the step of its first message node, inside `em`'s transaction; later steps are
   * added as the run goes. A path that ends before any message leaves the run completed. Returns the run id.
   */
  async startRunIn(em: EntityManager, input: StartFlowRunInput): Promise<string> {
    const now = this.clock.now();
    const runId = input.runId ?? randomUUID();
    const nodeId = input.nodeId ?? (await this.graph(em, input.flowId, input.version)).entry;
    const t = new SqlDialect(em).time(now);
    // Raw statements: a keyword burst starts a run per message, inside the inbox's batch transaction.
    await em.query(
      `INSERT INTO sequence_runs (id, sequence_id, flow_version, page_id, psid, source, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)`,
      [runId, input.flowId, input.version, input.pageId, input.psid, input.source, t],
    );
    const ref = { id: runId, pageId: input.pageId, psid: input.psid, flowId: input.flowId, version: input.version };
    if (!(await this.addStepFor(em, ref, nodeId, now, { newRun: true }))) {
      await em.query(`UPDATE sequence_runs SET status = 'completed', finished_at = ? WHERE id = ?`, [t, runId]);
    }
    return runId;
  }

  /**
   * Adds the step of `nodeId` (or of the message node its delays and conditions lead to) to the run,
   * due after those delays, and marks the run running again (a tap may come after it completed).
   * Returns false when the path ends before any message: nothing was added.
   */
  async addStepFor(em: EntityManager, run: FlowRunRef, nodeId: string | undefined, now: Date, { newRun = false } = {}): Promise<boolean> {
    const graph = await this.graph(em, run.flowId, run.version);
    const target = await this.resolve(em, run, graph, nodeId, now);
    if (!target) return false;
    // A run just written has no steps yet: position 0, and nothing to reopen.
    await this.insertStep(em, run, target.node, target.dueAt, newRun ? 0 : undefined);
    if (!newRun) {
      await em.query(
        `UPDATE sequence_runs SET status = 'running', end_reason = NULL, finished_at = NULL WHERE id = ? AND status <> 'running'`,
        [run.id],
      );
    }
    return true;
  }

  /**
   * After a flow step's final outcome (inside RunProgress's transaction): adds the next node's step, or
   * says how the run ends. A refused MM button follows its `ifRefused` branch when it has one; any other
   * refusal (the window closed) stops the run with the rule; a failure fails it.
   */
  async afterStep(
    em: EntityManager,
    run: FlowRunRef,
    step: { nodeId: string },
    outcome: FinalOutcome,
    now: Date,
  ): Promise<FlowRunEnd | undefined> {
    const graph = await this.graph(em, run.flowId, run.version);
    const node = graph.nodes.find((n) => n.id === step.nodeId);
    if (!node || !isMessageNode(node)) return { status: 'failed', reason: `node ${step.nodeId}: not in version ${run.version}` };
    if (outcome.kind === 'failed') return { status: 'failed', reason: `node ${node.id}: ${outcome.error}`.slice(0, 200) };
    const refused = outcome.kind === 'skipped';
    if (refused && (node.type !== 'optin' || node.ifRefused === undefined))
      return { status: 'stopped', reason: `node ${node.id}: ${outcome.rule}` };
    const added = await this.addStepFor(em, run, nextAfter(node, refused), now);
    return added ? undefined : { status: 'completed', reason: null };
  }

  /** Walks delays and conditions from `nodeId` to the next message node; undefined when the path ends first. */
  private async resolve(
    em: EntityManager,
    run: FlowRunRef,
    graph: FlowGraph,
    nodeId: string | undefined,
    now: Date,
  ): Promise<{ node: MessageNode; dueAt: Date } | undefined> {
    const byId = new Map(graph.nodes.map((n): [string, FlowNode] => [n.id, n]));
    let delayMs = 0;
    let id = nodeId;
    for (let hops = 0; id !== undefined && hops < MAX_HOPS; hops++) {
      const node = byId.get(id);
      if (!node) return undefined;
      if (isMessageNode(node)) return { node, dueAt: new Date(now.getTime() + delayMs) };
      if (node.type === 'delay') {
        delayMs += node.seconds * 1000;
        id = node.next;
      } else {
        id = (await this.holds(em, run, node.condition, now)) ? node.then : node.else;
      }
    }
    return undefined;
  }

  /**
   * `subscribed`: an active, unexpired subscription to the topic (as OptinPolicy reads it);
   * `has_ordered`: the customer has a counted order on this Page (CustomerOrderBook.hasOrdered: canceled and
   * returned orders do not count; an order no POS rule matched does).
   */
  private async holds(
    em: EntityManager,
    run: FlowRunRef,
    condition: Extract<FlowNode, { type: 'condition' }>['condition'],
    now: Date,
  ): Promise<boolean> {
    if (condition.kind === 'subscribed') {
      const rows = (await em.query(
        `SELECT 1 AS yes FROM subscriptions WHERE page_id = ? AND psid = ? AND topic_id = ? AND status = 'active'
           AND (token_expires_at IS NULL OR token_expires_at > ?) LIMIT 1`,
        [run.pageId, run.psid, condition.topicId, new SqlDialect(em).time(now)],
      )) as unknown[];
      return rows.length > 0;
    }
    return this.orders.hasOrdered(em, run.pageId, run.psid);
  }

  /** The step at `position`, or at the run's next free one (racing a tap or a finishing step: the unique key decides, and the loser takes the next). */
  private async insertStep(em: EntityManager, run: FlowRunRef, node: MessageNode, dueAt: Date, position?: number): Promise<void> {
    const content = stepContentOfNode(node, (target) =>
      encodeTap({ flowId: run.flowId, version: run.version, nodeId: target, runId: run.id }),
    );
    const dialect = new SqlDialect(em);
    for (let attempt = 1; ; attempt++) {
      const at = attempt === 1 && position !== undefined ? position : await this.nextPosition(em, run.id);
      try {
        await em.query(
          `INSERT INTO run_steps (id, run_id, position, type, delay_seconds, on_forbidden, topic_id, content, status, due_at, attempts, node_id)
           VALUES (?, ?, ?, ?, 0, 'stop', ?, ?, 'pending', ?, 0, ?)`,
          [
            randomUUID(),
            run.id,
            at,
            content.type,
            content.type === 'optin' ? content.topicId : null,
            JSON.stringify(content),
            dialect.time(dueAt),
            node.id,
          ],
        );
        return;
      } catch (error) {
        if (!SqlDialect.isDuplicateKey(error) || attempt >= POSITION_ATTEMPTS) throw error;
      }
    }
  }

  private async nextPosition(em: EntityManager, runId: string): Promise<number> {
    // A locking read on MySQL: a plain one inside REPEATABLE READ keeps seeing the snapshot, so a retry
    // after losing a position would pick the same one again.
    const lock = new SqlDialect(em).isMysql ? ' FOR UPDATE' : '';
    const [{ p }] = (await em.query(`SELECT MAX(position) AS p FROM run_steps WHERE run_id = ?${lock}`, [runId])) as Array<{ p: unknown }>;
    return p === null || p === undefined ? 0 : Number(p) + 1;
  }
}
