import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { PagesService } from '../pages/pages.service';
import { SequencesService } from '../sequences/sequences.service';
import { TopicsService } from '../topics/topics.service';
import type { CreateRuleDto, UpdateRuleDto } from './dto/rule.dto';
import { NotificationRule } from './entities/notification-rule.entity';

/** A 404 that names the input at fault: another shop's (or Page's) id is simply not found. */
const notFoundAt = (what: string, field: string): DomainError => new DomainError(404, 'not_found', `${what} not found`, { field });

@Injectable()
export class RulesService {
  private readonly rules: Repository<NotificationRule>;

  constructor(
    @InjectPluginDataSource() dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly sequences: SequencesService,
    private readonly clock: Clock,
  ) {
    this.rules = dataSource.getRepository(NotificationRule);
  }

  /** Created inactive: the shop switches it on when it is ready. */
  async create(shopId: string, dto: CreateRuleDto): Promise<NotificationRule> {
    await this.pages.getForShop(shopId, dto.pageId).catch(rethrowNotFoundAt('Page', 'pageId'));
    await this.checkTargets(dto.pageId, dto.topicId, dto.sequenceId);
    const now = this.clock.now();
    const rule: NotificationRule = {
      id: randomUUID(),
      shopId,
      pageId: dto.pageId,
      topicId: dto.topicId,
      sequenceId: dto.sequenceId,
      orderStatus: dto.orderStatus,
      active: false,
      createdAt: now,
      updatedAt: now,
    };
    await this.rules.insert(rule);
    return rule;
  }

  list(shopId: string, pageId?: string): Promise<NotificationRule[]> {
    return this.rules.find({ where: { shopId, ...(pageId !== undefined && { pageId }) }, order: { createdAt: 'ASC' } });
  }

  async get(shopId: string, ruleId: string): Promise<NotificationRule> {
    const rule = await this.rules.findOne({ where: { id: ruleId, shopId } });
    if (!rule) throw notFound('Rule', 'ruleId');
    return rule;
  }

  async update(shopId: string, ruleId: string, dto: UpdateRuleDto): Promise<NotificationRule> {
    const rule = await this.get(shopId, ruleId);
    const next: NotificationRule = {
      ...rule,
      topicId: dto.topicId ?? rule.topicId,
      sequenceId: dto.sequenceId ?? rule.sequenceId,
      orderStatus: dto.orderStatus ?? rule.orderStatus,
      active: dto.active ?? rule.active,
      updatedAt: this.clock.now(),
    };
    // An active rule must be sound now, whatever it was when created (its sequence may have been edited).
    if (dto.topicId !== undefined || dto.sequenceId !== undefined || (next.active && !rule.active)) {
      await this.checkTargets(next.pageId, next.topicId, next.sequenceId);
    }
    const { id, shopId: _shop, pageId: _page, createdAt: _created, ...changes } = next;
    await this.rules.update({ id }, changes);
    return next;
  }

  setActive(shopId: string, ruleId: string, active: boolean): Promise<NotificationRule> {
    return this.update(shopId, ruleId, { active });
  }

  async remove(shopId: string, ruleId: string): Promise<void> {
    await this.get(shopId, ruleId);
    await this.rules.delete({ id: ruleId, shopId });
  }

  /**
   * The topic and the sequence are the Page's own, and the sequence sends that topic's opt-in request:
   * a rule whose sequence never shows the button could not win a single subscriber.
   */
  private async checkTargets(pageId: string, topicId: string, sequenceId: string): Promise<void> {
    const topic = await this.topics.getForPage(pageId, topicId).catch(rethrowNotFoundAt('Topic', 'topicId'));
    await this.sequences.getForPage(pageId, sequenceId).catch(rethrowNotFoundAt('Sequence', 'sequenceId'));
    if (!(await this.sequences.asksForTopic(sequenceId, topicId))) {
      throw new DomainError(
        422,
        'sequence_lacks_optin_step',
        `The sequence has no MM button step (type "optin") for the topic "${topic.title}": add one with topicId ${topicId}, or choose a sequence that has it`,
        { field: 'sequenceId', topicId },
      );
    }
  }
}

function rethrowNotFoundAt(what: string, field: string): (error: unknown) => never {
  return (error: unknown) => {
    if (error instanceof DomainError && error.status === 404) throw notFoundAt(what, field);
    throw error;
  };
}
