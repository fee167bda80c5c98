import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect';
import { windowState } from '../messenger/people/messaging-window';
import type { Page } from '../pages/page.entity';
import type { Topic } from '../topics/entities/topic.entity';
import type { OptinDecision } from './optin-outcome';
import { evaluateOptinRules, PAGE_RESTRICTION_BACKOFF_MS, SAME_TITLE_PERIOD_MS, type PastRequest } from './optin-rules';

/**
 * The one answer to "may this Page send this topic's opt-in request to this person now?", used by the
 * API, sequence steps and POS rules alike. Reads our own history (so limits hold across processes) and
 * the messaging window (windowState, as MessagingWindow computes it); the rules are in evaluateOptinRules.
 */
@Injectable()
export class OptinPolicy {
  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {}

  /** Pass the transaction's manager when the answer must hold until that transaction commits. */
  async check(
    page: Pick<Page, 'id' | 'platform'>,
    topic: Topic,
    psid: string,
    at: Date,
    em: EntityManager = this.dataSource.manager,
  ): Promise<OptinDecision> {
    const dialect = new SqlDialect(this.dataSource);
    // Everything is read through `em`: inside OptinService's transaction a second pool connection per
    // caller would exhaust the pool under load (each caller holding one and waiting for another).
    const [person, history, subscribed, restricted] = await Promise.all([
      em.query('SELECT last_inbound_at FROM people WHERE page_id = ? AND psid = ?', [page.id, psid]) as Promise<
        Array<{ last_inbound_at: unknown }>
      >,
      em.query(
        `SELECT title, image_url, status, error_kind, created_at FROM optin_requests
         WHERE page_id = ? AND psid = ? AND created_at > ?`,
        [page.id, psid, dialect.time(new Date(at.getTime() - SAME_TITLE_PERIOD_MS))],
      ) as Promise<
        Array<{ title: string; image_url: string | null; status: PastRequest['status']; error_kind: string | null; created_at: unknown }>
      >,
      em.query(
        `SELECT 1 AS yes FROM subscriptions WHERE page_id = ? AND psid = ? AND topic_id = ? AND status = 'active'
           AND (token_expires_at IS NULL OR token_expires_at > ?)`,
        [page.id, psid, topic.id, dialect.time(at)],
      ) as Promise<unknown[]>,
      em.query(`SELECT MAX(created_at) AS at FROM optin_requests WHERE page_id = ? AND error_kind = 'page_restricted' AND created_at > ?`, [
        page.id,
        dialect.time(new Date(at.getTime() - PAGE_RESTRICTION_BACKOFF_MS)),
      ]) as Promise<Array<{ at: unknown }>>,
    ]);
    const window = windowState(SqlDialect.parseOptionalTime(person[0]?.last_inbound_at), at);
    return evaluateOptinRules({
      at,
      platform: page.platform,
      topic: { title: topic.title, imageUrl: topic.imageUrl, active: topic.active, archived: topic.archivedAt !== null },
      window: { open: window.open, lastInboundAt: window.lastInboundAt },
      subscribed: subscribed.length > 0,
      history: history.map((r) => ({
        title: r.title,
        imageUrl: r.image_url,
        status: r.status,
        errorKind: r.error_kind,
        createdAt: SqlDialect.parseTime(r.created_at),
      })),
      pageRestrictedAt: SqlDialect.parseOptionalTime(restricted[0]?.at),
    });
  }
}
