import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { GraphApiClient, type GraphError } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { SqlDialect } from '../database/sql-dialect';
import { DomainEvents } from '../integrations/domain-events.service';
import { FreshState } from '../messenger/inbox/fresh-state';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { OptinRequest } from './entities/optin-request.entity';
import type { OptinDecision, OptinRefusal, OptinRequestInput, OptinRequestOutcome } from './optin-outcome';
import { OptinPolicy } from './optin.policy';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';

/**
 * Sends a topic's opt-in request (the "MM button") to one person, only when OptinPolicy allows it.
 *
 * Exactly one request per person and title, across processes: the check and a `reserved` row are written
 * in one transaction that first locks the person's row (`SELECT … FOR UPDATE` on MySQL; SQLite runs one
 * writer at a time). A concurrent caller waits for that commit, then sees the reservation and is refused
 * with `request_pending`. The Graph call happens after the commit, never inside a transaction. A refusal by
 * the policy publishes `optin.refused` (with the rule) in that transaction.
 */
@Injectable()
export class OptinService {
  private readonly logger = new Logger(OptinService.name);

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly policy: OptinPolicy,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly graph: GraphApiClient,
    private readonly clock: Clock,
    private readonly fresh: FreshState,
    @InjectConfig() private readonly config: AppConfig,
    private readonly events: DomainEvents,
  ) {}

  /** What the policy would answer now, without sending anything (after the person's acknowledged deliveries, as request()). */
  async check(input: Pick<OptinRequestInput, 'pageId' | 'psid' | 'topicId'>): Promise<OptinDecision> {
    const page = await this.pages.credentials(input.pageId);
    const topic = await this.topics.getForPage(input.pageId, input.topicId);
    const pending = await this.unappliedDeliveries(page.pageId, input.psid);
    if (pending) return { allowed: false, ...pending };
    return this.policy.check({ id: page.pageId, platform: page.platform }, topic, input.psid, this.clock.now());
  }

  /**
   * Sends the request if the policy allows it, or answers the rule that refuses it. The policy reads the
   * window and the subscriptions only after every delivery about the person that Meta was already
   * answered for is applied (FreshState): a customer who just wrote, or just pressed STOP, is seen so.
   */
  async request(input: OptinRequestInput): Promise<OptinRequestOutcome> {
    const page = await this.pages.credentials(input.pageId);
    const topic = await this.topics.getForPage(input.pageId, input.topicId);
    const dialect = new SqlDialect(this.dataSource);
    // Before the transaction: applying a delivery writes the person's row that the transaction locks.
    const pending = await this.unappliedDeliveries(page.pageId, input.psid);
    if (pending) return { sent: false, ...pending };

    // READ COMMITTED on MySQL so that, once the lock is ours, the history read sees the other caller's commit.
    const reservation = await this.dataSource.transaction(dialect.isMysql ? 'READ COMMITTED' : 'SERIALIZABLE', async (em) => {
      if (dialect.isMysql) await em.query('SELECT psid FROM people WHERE page_id = ? AND psid = ? FOR UPDATE', [page.pageId, input.psid]);
      const at = this.clock.now();
      const decision = await this.policy.check({ id: page.pageId, platform: page.platform }, topic, input.psid, at, em);
      if (!decision.allowed) {
        // Every sender (API, sequence step, POS rule) comes through here: the one place a refusal is announced.
        const refused = { pageId: page.pageId, psid: input.psid, topicId: topic.id, rule: decision.rule, source: input.source };
        await this.events.publish(
          'optin.refused',
          { pageId: page.pageId },
          { ...refused, retryAt: decision.retryAt?.toISOString() ?? null },
          em,
        );
        return decision;
      }
      const row: OptinRequest = {
        id: randomUUID(),
        pageId: page.pageId,
        psid: input.psid,
        topicId: topic.id,
        title: topic.title,
        imageUrl: topic.imageUrl,
        status: 'reserved',
        source: input.source,
        sourceRef: input.sourceRef ?? null,
        messageId: null,
        errorKind: null,
        createdAt: at,
        sentAt: null,
      };
      await em.insert(OptinRequest, row);
      return row;
    });
    if (!('id' in reservation)) {
      const { allowed: _allowed, ...refusal } = reservation;
      return { sent: false, ...refusal };
    }

    const repo = this.dataSource.getRepository(OptinRequest);
    let result: Awaited<ReturnType<GraphApiClient['sendOptinRequest']>>;
    try {
      // The shop waits for this answer: bounded (GRAPH_USER_WAIT_MS), rate-limit waits included.
      result = await this.graph.within(this.config.graphUserWaitMs).sendOptinRequest(page.accessToken, page.pageId, input.psid, {
        title: topic.title,
        payload: topic.payload,
        imageUrl: topic.imageUrl ?? undefined,
        imageAspectRatio: topic.imageAspectRatio ?? undefined,
        ctaText: topic.ctaText ?? undefined,
      });
    } catch (error) {
      throw await this.recordLocalError(reservation.id, error);
    }
    if (result.ok) {
      const sentAt = this.clock.now();
      await repo.update({ id: reservation.id }, { status: 'sent', messageId: result.value.messageId, sentAt });
      return { sent: true, requestId: reservation.id, messageId: result.value.messageId, sentAt };
    }
    return this.recordFailure(reservation.id, result.error);
  }

  private async unappliedDeliveries(pageId: string, psid: string): Promise<Omit<OptinRefusal, 'allowed'> | undefined> {
    const freshness = await this.fresh.forPerson(pageId, psid);
    if (freshness.applied) return undefined;
    return {
      rule: 'webhooks_pending',
      message: 'Webhook deliveries about this person are not applied yet; ask again shortly',
      retryAt: freshness.retryAt,
    };
  }

  /**
   * The Graph client answers every platform and network failure as a value, so an exception means
   * nothing left this process: a builder refusing the topic (RangeError, e.g. a title over 65 that
   * reached the database around the API) or a bug. The reservation is recorded `failed` with
   * `errorKind: 'local_error'` (so it no longer holds the person's limits, and the next request is
   * answered on its merits, not `request_pending` for ten minutes); a builder's refusal becomes a
   * 422 `not_sendable` naming the reason, anything else is rethrown as the bug it is.
   */
  private async recordLocalError(requestId: string, error: unknown): Promise<unknown> {
    const message = error instanceof Error ? error.message : String(error);
    await this.dataSource.getRepository(OptinRequest).update({ id: requestId }, { status: 'failed', errorKind: 'local_error' });
    this.logger.error({ msg: 'opt-in request not sent: local error before the send', requestId, error: message });
    return error instanceof RangeError
      ? new DomainError(422, 'not_sendable', `The opt-in request could not be built: ${message}`, { requestId })
      : error;
  }

  /**
   * A refusal by Meta frees the reservation (it no longer counts toward the limits) and keeps the reason;
   * an answer we never got keeps counting as sent, since Meta may have delivered it.
   */
  private async recordFailure(requestId: string, error: GraphError): Promise<OptinRequestOutcome> {
    const repo = this.dataSource.getRepository(OptinRequest);
    if (error.kind === 'transient' && error.delivery === 'unknown') {
      await repo.update({ id: requestId }, { status: 'sent', errorKind: 'delivery_unknown', sentAt: this.clock.now() });
    } else {
      await repo.update({ id: requestId }, { status: 'failed', errorKind: error.kind });
    }
    this.logger.warn({ msg: 'opt-in request refused by Meta', requestId, kind: error.kind, code: error.code, subcode: error.subcode });
    if (error.kind === 'transient' || error.kind === 'rate_limited') {
      return {
        sent: false,
        requestId,
        rule: 'platform_unavailable',
        message: `Meta did not accept the request now (${error.kind})`,
        retryAt: 'retryAt' in error ? error.retryAt : undefined,
      };
    }
    return { sent: false, requestId, rule: 'refused_by_meta', message: error.message, graphError: error.kind };
  }
}
