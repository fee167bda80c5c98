import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { FlowsService } from '../flows/flows.service';
import { PagesService } from '../pages/pages.service';
import { SequencesService } from '../sequences/sequences.service';
import { ValidationFailed } from '../common/http-error.filter';
import {
  answerProblems,
  DEFAULT_COOLDOWN_SECONDS,
  type CreateKeywordDto,
  type KeywordStatsResponse,
  type UpdateKeywordDto,
} from './dto/keyword.dto';
import { KeywordRule, type MatchMode } from './entities/keyword-rule.entity';
import type { MatchableRule } from './keyword-match';

const count = (value: unknown): number => Number(value ?? 0);

/** An active rule as matching needs it: phrases parsed, and the current version of its flow. */
export interface ActiveKeyword extends MatchableRule {
  flowId: string | null;
  flowVersion: number | null;
  sequenceId: string | null;
  cooldownSeconds: number;
}

/** A Page's keyword rules, and what each achieved. */
@Injectable()
export class KeywordsService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly flows: FlowsService,
    private readonly sequences: SequencesService,
    private readonly clock: Clock,
  ) {}

  /** Errors: 404 naming pageId, flowId or sequenceId; 400 `answer_required` naming flowId when both or neither answer is given. */
  async create(shopId: string, pageId: string, dto: CreateKeywordDto): Promise<KeywordRule> {
    await this.pages.getForShop(shopId, pageId);
    await this.checkAnswer(pageId, dto.flowId, dto.sequenceId);
    const now = this.clock.now();
    const rule: KeywordRule = {
      id: randomUUID(),
      pageId,
      name: dto.name ?? dto.phrases?.[0] ?? 'Default answer',
      phrases: JSON.stringify(dto.phrases ?? []),
      matchMode: dto.matchMode ?? 'contains',
      flowId: dto.flowId ?? null,
      sequenceId: dto.sequenceId ?? null,
      priority: dto.priority ?? 0,
      active: dto.active ?? true,
      isDefault: dto.isDefault ?? false,
      cooldownSeconds: dto.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS,
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.getRepository(KeywordRule).insert(rule);
    return rule;
  }

  async list(shopId: string, pageId: string): Promise<KeywordRule[]> {
    await this.pages.getForShop(shopId, pageId);
    return this.dataSource.getRepository(KeywordRule).find({ where: { pageId }, order: { priority: 'DESC', createdAt: 'ASC' } });
  }

  async get(shopId: string, pageId: string, keywordId: string): Promise<KeywordRule> {
    await this.pages.getForShop(shopId, pageId);
    const rule = await this.dataSource.getRepository(KeywordRule).findOne({ where: { id: keywordId, pageId } });
    if (!rule) throw notFound('Keyword', 'keywordId');
    return rule;
  }

  /**
   * The Page's active rules with their flow's current version, as the message webhook matches them: one
   * indexed query (ix_keyword_rules_page), since it runs for every customer message.
   */
  async active(pageId: string): Promise<ActiveKeyword[]> {
    const rows = (await this.dataSource.query(
      `SELECT k.id, k.phrases, k.match_mode, k.flow_id, k.sequence_id, k.priority, k.is_default, k.cooldown_seconds, k.created_at,
              f.current_version
       FROM keyword_rules k LEFT JOIN flows f ON f.id = k.flow_id
       WHERE k.page_id = ? AND k.active = ?`,
      [pageId, true],
    )) as Array<{
      id: string;
      phrases: string;
      match_mode: MatchMode;
      flow_id: string | null;
      sequence_id: string | null;
      priority: number | string;
      is_default: number | boolean | string;
      cooldown_seconds: number | string;
      created_at: unknown;
      current_version: number | string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      phrases: JSON.parse(r.phrases) as string[],
      matchMode: r.match_mode,
      flowId: r.flow_id,
      flowVersion: r.current_version === null ? null : Number(r.current_version),
      sequenceId: r.sequence_id,
      priority: Number(r.priority),
      isDefault: r.is_default === true || Number(r.is_default) === 1,
      cooldownSeconds: Number(r.cooldown_seconds),
      createdAt: SqlDialect.parseTime(r.created_at),
    }));
  }

  async update(shopId: string, pageId: string, keywordId: string, dto: UpdateKeywordDto): Promise<KeywordRule> {
    const rule = await this.get(shopId, pageId, keywordId);
    if (dto.flowId !== undefined || dto.sequenceId !== undefined) await this.checkAnswer(pageId, dto.flowId, dto.sequenceId);
    const answer =
      dto.flowId !== undefined
        ? { flowId: dto.flowId, sequenceId: null }
        : dto.sequenceId !== undefined
          ? { flowId: null, sequenceId: dto.sequenceId }
          : {};
    const updated: KeywordRule = {
      ...rule,
      ...answer,
      name: dto.name ?? rule.name,
      phrases: dto.phrases ? JSON.stringify(dto.phrases) : rule.phrases,
      matchMode: dto.matchMode ?? rule.matchMode,
      priority: dto.priority ?? rule.priority,
      active: dto.active ?? rule.active,
      isDefault: dto.isDefault ?? rule.isDefault,
      cooldownSeconds: dto.cooldownSeconds ?? rule.cooldownSeconds,
      updatedAt: this.clock.now(),
    };
    if (!updated.isDefault && (JSON.parse(updated.phrases) as string[]).length === 0) {
      throw new DomainError(400, 'phrases_required', 'A rule that is not the default answer needs phrases', { field: 'phrases' });
    }
    const { id: _id, createdAt: _createdAt, ...changes } = updated;
    await this.dataSource.getRepository(KeywordRule).update({ id: keywordId }, changes);
    return updated;
  }

  async remove(shopId: string, pageId: string, keywordId: string): Promise<void> {
    await this.get(shopId, pageId, keywordId);
    await this.dataSource.getRepository(KeywordRule).delete({ id: keywordId });
  }

  /**
   * The chain is: message_answers (per rule, outcome) → the runs they started → those runs' MM button
   * steps (run_steps of type optin, taps' continuations included) → the opt-in requests they made
   * (optin_requests.source_ref = run step id) → the subscriptions that answered them.
   */
  async stats(shopId: string, pageId: string, keywordId: string): Promise<KeywordStatsResponse> {
    await this.get(shopId, pageId, keywordId);
    const [answers] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END), 0) AS fired,
              COALESCE(SUM(CASE WHEN outcome = 'cooldown' THEN 1 ELSE 0 END), 0) AS cooled
       FROM message_answers WHERE rule_id = ?`,
      [keywordId],
    )) as Array<{ fired: unknown; cooled: unknown }>;
    const refusals = (await this.dataSource.query(
      `SELECT s.skip_rule AS reason, COUNT(*) AS n
       FROM message_answers a JOIN run_steps s ON s.run_id = a.run_id
       WHERE a.rule_id = ? AND a.outcome = 'answered' AND s.type = 'optin' AND s.status = 'skipped'
       GROUP BY s.skip_rule`,
      [keywordId],
    )) as Array<{ reason: string; n: unknown }>;
    const [optins] = (await this.dataSource.query(
      `SELECT COUNT(DISTINCT r.id) AS sent, COUNT(DISTINCT sub.id) AS subscriptions
       FROM message_answers a
       JOIN run_steps s ON s.run_id = a.run_id AND s.type = 'optin'
       JOIN optin_requests r ON r.source_ref = s.id AND r.status = 'sent'
       LEFT JOIN subscriptions sub ON sub.optin_request_id = r.id
       WHERE a.rule_id = ? AND a.outcome = 'answered'`,
      [keywordId],
    )) as Array<{ sent: unknown; subscriptions: unknown }>;
    return {
      keywordId,
      fired: count(answers?.fired),
      cooledDown: count(answers?.cooled),
      optinRequestsSent: count(optins?.sent),
      optinsRefusedByReason: Object.fromEntries(refusals.map((r) => [r.reason, count(r.n)])),
      subscriptions: count(optins?.subscriptions),
    };
  }

  /**
   * Claims the rule's cooldown for the customer until `until`, or says it is still running. One row per
   * (rule, customer): INSERT IGNORE takes a first claim, a conditional UPDATE (`until <= at`) an expired
   * one; two processes answering two messages of one burst cannot both win either.
   */
  async claimCooldown(ruleId: string, psid: string, at: Date, until: Date): Promise<boolean> {
    const dialect = new SqlDialect(this.dataSource);
    const inserted = await SqlDialect.execute(
      this.dataSource,
      `${dialect.insertIgnore()} INTO keyword_cooldowns (rule_id, psid, until) VALUES (?, ?, ?)`,
      [ruleId, psid, dialect.time(until)],
    );
    if (inserted === 1) return true;
    const renewed = await SqlDialect.execute(
      this.dataSource,
      'UPDATE keyword_cooldowns SET until = ? WHERE rule_id = ? AND psid = ? AND until <= ?',
      [dialect.time(until), ruleId, psid, dialect.time(at)],
    );
    return renewed === 1;
  }

  private async checkAnswer(pageId: string, flowId: string | undefined, sequenceId: string | undefined): Promise<void> {
    const problems = answerProblems(flowId, sequenceId);
    if (problems.length) throw new ValidationFailed(problems);
    if (flowId !== undefined) await this.flows.getForPage(pageId, flowId);
    if (sequenceId !== undefined) {
      await this.sequences.getForPage(pageId, sequenceId).catch((error: unknown) => {
        if (error instanceof DomainError && error.status === 404) throw notFound('Sequence', 'sequenceId');
        throw error;
      });
    }
  }
}
