import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { ValidationFailed } from '../common/http-error.filter';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import type { RunStep } from '../sequences/entities/run-step.entity';
import type { SequenceRun } from '../sequences/entities/sequence-run.entity';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import { TopicsService } from '../topics/topics.service';
import { graphOf, type CreateFlowDto, type StartFlowRunDto, type UpdateFlowDto } from './dto/flow.dto';
import { Flow } from './entities/flow.entity';
import { FlowVersion } from './entities/flow-version.entity';
import { graphProblems, topicsOf, type FlowGraph } from './flow-graph';

export interface FlowWithGraph {
  flow: Flow;
  version: number;
  graph: FlowGraph;
}

/**
 * A Page's flows and their versions. Editing the nodes writes a new version (the primary key
 * (flow_id, version) makes two concurrent edits a 409 for one of them, never a lost version) and
 * moves `current_version`; runs keep following the version they started on.
 */
@Injectable()
export class FlowsService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly runs: SequenceRuns,
    private readonly clock: Clock,
  ) {}

  /** Errors: 404 (pageId, or nodes.N.topicId naming another Page's topic); 400 invalid_flow naming the node field; 409 ref_in_use. */
  async create(shopId: string, pageId: string, dto: CreateFlowDto): Promise<FlowWithGraph> {
    await this.pages.getForShop(shopId, pageId);
    const graph = await this.checkedGraph(pageId, graphOf(dto.nodes, dto.entry));
    const now = this.clock.now();
    const flow: Flow = {
      id: randomUUID(),
      pageId,
      name: dto.name,
      ref: dto.ref ?? null,
      currentVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.write(async (em) => {
      await em.insert(Flow, flow);
      await em.insert(FlowVersion, { flowId: flow.id, version: 1, graph: JSON.stringify(graph), createdAt: now });
    });
    return { flow, version: 1, graph };
  }

  async list(shopId: string, pageId: string): Promise<FlowWithGraph[]> {
    await this.pages.getForShop(shopId, pageId);
    const flows = await this.dataSource.getRepository(Flow).find({ where: { pageId }, order: { createdAt: 'ASC' } });
    return Promise.all(
      flows.map(async (flow) => ({ flow, version: flow.currentVersion, graph: await this.graph(flow.id, flow.currentVersion) })),
    );
  }

  async get(shopId: string, pageId: string, flowId: string): Promise<FlowWithGraph> {
    await this.pages.getForShop(shopId, pageId);
    const flow = await this.getForPage(pageId, flowId);
    return { flow, version: flow.currentVersion, graph: await this.graph(flow.id, flow.currentVersion) };
  }

  /** The Page's flow (the caller has checked the Page is its shop's), or 404 naming `field`. */
  async getForPage(pageId: string, flowId: string, field = 'flowId', em: EntityManager = this.dataSource.manager): Promise<Flow> {
    const flow = await em.findOne(Flow, { where: { id: flowId, pageId } });
    if (!flow) throw notFound('Flow', field);
    return flow;
  }

  /** The Page's flow its m.me / ad `ref` starts, if any. */
  findByRef(pageId: string, ref: string): Promise<Flow | null> {
    return this.dataSource.getRepository(Flow).findOne({ where: { pageId, ref } });
  }

  async update(shopId: string, pageId: string, flowId: string, dto: UpdateFlowDto): Promise<FlowWithGraph> {
    const current = await this.get(shopId, pageId, flowId);
    const now = this.clock.now();
    // New nodes start at their first unless told; a new entry alone keeps the nodes.
    const edited: FlowGraph | undefined =
      dto.nodes !== undefined
        ? graphOf(dto.nodes, dto.entry)
        : dto.entry !== undefined
          ? { ...current.graph, entry: dto.entry }
          : undefined;
    const graph = edited && (await this.checkedGraph(pageId, edited));
    const version = graph ? current.version + 1 : current.version;
    await this.write(async (em) => {
      if (graph) await em.insert(FlowVersion, { flowId, version, graph: JSON.stringify(graph), createdAt: now });
      await em.update(
        Flow,
        { id: flowId },
        {
          name: dto.name ?? current.flow.name,
          ref: dto.ref === undefined ? current.flow.ref : dto.ref,
          currentVersion: version,
          updatedAt: now,
        },
      );
    });
    return this.get(shopId, pageId, flowId);
  }

  /** The API entry point: the flow's current version to one person, from its entry or `nodeId` (404 naming nodeId if it has none such). */
  async startRun(shopId: string, pageId: string, flowId: string, dto: StartFlowRunDto): Promise<{ run: SequenceRun; steps: RunStep[] }> {
    const { flow, version, graph } = await this.get(shopId, pageId, flowId);
    if (dto.nodeId !== undefined && !graph.nodes.some((n) => n.id === dto.nodeId)) throw notFound('Node', 'nodeId');
    const runId = await this.dataSource.transaction((em) =>
      this.runs.startFlowIn(em, { flowId: flow.id, version, pageId, psid: dto.psid, source: 'api', nodeId: dto.nodeId }),
    );
    this.runs.nudge();
    return (await this.runs.find(runId))!;
  }

  async getRun(shopId: string, pageId: string, flowId: string, runId: string): Promise<{ run: SequenceRun; steps: RunStep[] }> {
    await this.get(shopId, pageId, flowId);
    const found = await this.runs.find(runId);
    if (!found || found.run.sequenceId !== flowId || found.run.flowVersion === null) throw notFound('Run', 'runId');
    return found;
  }

  private async graph(flowId: string, version: number): Promise<FlowGraph> {
    const row = await this.dataSource.getRepository(FlowVersion).findOne({ where: { flowId, version } });
    if (!row) throw notFound('Flow version');
    return JSON.parse(row.graph) as FlowGraph;
  }

  /**
   * The graph if sound and its topics are this Page's; else 400 naming every field at fault (rule
   * `invalid_flow`: an edge to nowhere, a doubled id, a loop without a tap) / 404 naming the topic's field.
   */
  private async checkedGraph(pageId: string, graph: FlowGraph): Promise<FlowGraph> {
    const problems = graphProblems(graph);
    if (problems.length) throw new ValidationFailed(problems.map((p) => ({ ...p, rule: 'invalid_flow' })));
    for (const { field, topicId } of topicsOf(graph)) {
      try {
        await this.topics.getForPage(pageId, topicId);
      } catch (error) {
        if (error instanceof DomainError && error.status === 404)
          throw new DomainError(404, 'not_found', 'Topic not found on this Page', { field });
        throw error;
      }
    }
    return graph;
  }

  private async write(work: (em: EntityManager) => Promise<void>): Promise<void> {
    try {
      await this.dataSource.transaction(work);
    } catch (error) {
      if (!SqlDialect.isDuplicateKey(error)) throw error;
      const message = String((error as { message?: string }).message ?? '');
      if (/ref/i.test(message) || /flows\.page_id/i.test(message))
        throw new DomainError(409, 'ref_in_use', 'Another flow of this Page has this ref', { field: 'ref' });
      throw new DomainError(409, 'edited_concurrently', 'The flow was edited at the same time; read it again and repeat the edit');
    }
  }
}
