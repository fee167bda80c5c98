import { SqlDialect } from '../database/sql-dialect';
import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { stepContentOf, type CreateSequenceDto, type StepDto, type UpdateSequenceDto } from './dto/sequence.dto';
import { SequenceStep } from './entities/sequence-step.entity';
import { Sequence } from './entities/sequence.entity';

export interface SequenceWithSteps {
  sequence: Sequence;
  steps: SequenceStep[];
}

@Injectable()
export class SequencesService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly clock: Clock,
  ) {}

  async create(shopId: string, pageId: string, dto: CreateSequenceDto): Promise<SequenceWithSteps> {
    await this.pages.getForShop(shopId, pageId);
    await this.checkTopics(pageId, dto.steps);
    const now = this.clock.now();
    const sequence: Sequence = { id: randomUUID(), pageId, name: dto.name, createdAt: now, updatedAt: now };
    const steps = stepRows(sequence.id, dto.steps);
    await this.dataSource.transaction(async (em) => {
      await em.insert(Sequence, sequence);
      await em.insert(SequenceStep, steps);
    });
    return { sequence, steps };
  }

  async list(shopId: string, pageId: string): Promise<SequenceWithSteps[]> {
    await this.pages.getForShop(shopId, pageId);
    const sequences = await this.dataSource.getRepository(Sequence).find({ where: { pageId }, order: { createdAt: 'ASC' } });
    const steps = sequences.length
      ? await this.dataSource
          .getRepository(SequenceStep)
          .createQueryBuilder('s')
          .where('s.sequence_id IN (:...ids)', { ids: sequences.map((s) => s.id) })
          .orderBy('s.position', 'ASC')
          .getMany()
      : [];
    return sequences.map((sequence) => ({ sequence, steps: steps.filter((s) => s.sequenceId === sequence.id) }));
  }

  async get(shopId: string, pageId: string, sequenceId: string): Promise<SequenceWithSteps> {
    await this.pages.getForShop(shopId, pageId);
    return this.getForPage(pageId, sequenceId);
  }

  /** A sequence of that Page with its steps (the caller has checked the Page is its shop's), or 404. */
  async getForPage(pageId: string, sequenceId: string, em: EntityManager = this.dataSource.manager): Promise<SequenceWithSteps> {
    const sequence = await em.findOne(Sequence, { where: { id: sequenceId, pageId } });
    if (!sequence) throw notFound('Sequence', 'sequenceId');
    const steps = await em.find(SequenceStep, { where: { sequenceId }, order: { position: 'ASC' } });
    return { sequence, steps };
  }

  /** Whether the sequence sends that topic's opt-in request (a POS rule for the topic needs one). */
  async asksForTopic(sequenceId: string, topicId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(SequenceStep).count({ where: { sequenceId, type: 'optin', topicId } })) > 0;
  }

  async update(shopId: string, pageId: string, sequenceId: string, dto: UpdateSequenceDto): Promise<SequenceWithSteps> {
    const { sequence } = await this.get(shopId, pageId, sequenceId);
    if (dto.steps) await this.checkTopics(pageId, dto.steps);
    const updated: Sequence = { ...sequence, name: dto.name ?? sequence.name, updatedAt: this.clock.now() };
    await this.dataSource.transaction(async (em) => {
      await em.update(Sequence, { id: sequenceId }, { name: updated.name, updatedAt: updated.updatedAt });
      if (dto.steps) {
        await em.delete(SequenceStep, { sequenceId });
        await em.insert(SequenceStep, stepRows(sequenceId, dto.steps));
      }
    });
    return this.getForPage(pageId, sequenceId);
  }

  /** Runs already started keep their own copy of the steps; a sequence a POS rule uses cannot go (409). */
  async remove(shopId: string, pageId: string, sequenceId: string): Promise<void> {
    await this.get(shopId, pageId, sequenceId);
    try {
      await this.dataSource.transaction(async (em) => {
        await em.delete(SequenceStep, { sequenceId });
        await em.delete(Sequence, { id: sequenceId });
      });
    } catch (error) {
      if (SqlDialect.isForeignKeyViolation(error)) {
        throw new DomainError(
          409,
          'sequence_in_use',
          'A POS notification rule or a keyword answers with this sequence: delete or change it first',
        );
      }
      throw error;
    }
  }

  /** Every MM button step names a topic of this Page, every flow step a flow of it; another Page's is a 404 on its field. */
  private async checkTopics(pageId: string, steps: StepDto[]): Promise<void> {
    for (const [index, step] of steps.entries()) {
      if (step.type === 'flow') {
        // Read here rather than through FlowsService, whose module builds on this one.
        const found = (await this.dataSource.query('SELECT 1 AS yes FROM flows WHERE id = ? AND page_id = ?', [
          step.flowId,
          pageId,
        ])) as unknown[];
        if (found.length === 0) throw new DomainError(404, 'not_found', 'Flow not found on this Page', { field: `steps.${index}.flowId` });
        continue;
      }
      if (step.type !== 'optin') continue;
      try {
        await this.topics.getForPage(pageId, step.topicId!);
      } catch (error) {
        if (error instanceof DomainError && error.status === 404) {
          throw new DomainError(404, 'not_found', 'Topic not found on this Page', { field: `steps.${index}.topicId` });
        }
        throw error;
      }
    }
  }
}

function stepRows(sequenceId: string, steps: StepDto[]): SequenceStep[] {
  return steps.map((step, position) => {
    const content = stepContentOf(step);
    return {
      id: randomUUID(),
      sequenceId,
      position,
      type: step.type,
      delaySeconds: step.delaySeconds ?? 0,
      onForbidden: step.onForbidden ?? 'continue',
      topicId: content.type === 'optin' ? content.topicId : null,
      content: JSON.stringify(content),
    };
  });
}
