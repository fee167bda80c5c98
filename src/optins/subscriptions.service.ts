import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { TokenCipher } from '../common/token-cipher';
import { SqlDialect } from '../database/sql-dialect';
import type { SubscriberFilter } from './dto/subscriber.dto';
import { Subscription, type SubscriptionStatus } from './entities/subscription.entity';

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** What an opt-in webhook (or an import) tells us about one token. */
export interface TokenFacts {
  pageId: string;
  psid: string | null;
  topicId: string;
  token: string;
  timezone?: string | null;
  userTokenStatus?: string | null;
  frequency?: string | null;
  tokenExpiresAt?: Date | null;
  at: Date;
}

/**
 * Subscriptions and their tokens. Every write is idempotent (webhooks are processed again after a
 * failure), and the unique keys decide races: one row per (page, person, topic), one row per token.
 */
@Injectable()
export class SubscriptionsService {
  private readonly repo: Repository<Subscription>;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {
    this.repo = dataSource.getRepository(Subscription);
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * A person opted in: creates the subscription, or replaces the token of the existing one for that
   * person and topic (a re-opt-in), and makes it active again unless the shop unsubscribed them.
   */
  async recordOptin(facts: TokenFacts, optinRequestId: string | null): Promise<Subscription> {
    const tokenHash = hashToken(facts.token);
    const existing =
      (await this.repo.findOne({ where: { tokenHash } })) ??
      (facts.psid ? await this.repo.findOne({ where: { pageId: facts.pageId, psid: facts.psid, topicId: facts.topicId } }) : null);
    const fields = {
      tokenEnc: this.cipher.encrypt(facts.token),
      tokenHash,
      timezone: facts.timezone ?? existing?.timezone ?? null,
      userTokenStatus: facts.userTokenStatus ?? null,
      frequency: facts.frequency ?? null,
      tokenExpiresAt: facts.tokenExpiresAt ?? null,
      updatedAt: this.clock.now(),
    };
    if (existing) {
      // A shop's unsubscribe is final: the customer asked never to be addressed again.
      const status: SubscriptionStatus = existing.status === 'unsubscribed' ? 'unsubscribed' : 'active';
      const changed = status !== existing.status;
      await this.repo.update(
        { id: existing.id },
        {
          ...fields,
          status,
          optedInAt: facts.at,
          optinRequestId: optinRequestId ?? existing.optinRequestId,
          ...(changed ? { statusChangedAt: facts.at } : {}),
        },
      );
      return { ...existing, ...fields, status };
    }
    const row: Subscription = {
      id: randomUUID(),
      pageId: facts.pageId,
      psid: facts.psid,
      topicId: facts.topicId,
      status: 'active',
      source: 'optin',
      optinRequestId,
      optedInAt: facts.at,
      statusChangedAt: facts.at,
      lastListedAt: null,
      metaUnsubscribeStatus: null,
      metaUnsubscribeBy: null,
      metaUnsubscribeAttempts: 0,
      metaUnsubscribeNextAt: null,
      metaUnsubscribeError: null,
      ...fields,
    };
    try {
      await this.repo.insert(row);
      return row;
    } catch (error) {
      // The same opt-in processed twice at once: the other insert won; apply ours over it.
      if (SqlDialect.isDuplicateKey(error)) return this.recordOptin(facts, optinRequestId);
      throw error;
    }
  }

  /** STOP / RESUME from the person. RESUME never revives a subscription the shop unsubscribed. */
  async recordStatusChange(
    where: { tokenHash: string } | { pageId: string; psid: string; topicId?: string },
    status: 'stopped' | 'resumed',
    at: Date,
  ): Promise<number> {
    const to: SubscriptionStatus = status === 'stopped' ? 'stopped' : 'active';
    const from: SubscriptionStatus[] = status === 'stopped' ? ['active', 'unlisted'] : ['stopped'];
    const qb = this.repo
      .createQueryBuilder()
      .update()
      .set({ status: to, statusChangedAt: at, updatedAt: this.clock.now() })
      .where('status IN (:...from)', { from });
    if ('tokenHash' in where) qb.andWhere('token_hash = :tokenHash', { tokenHash: where.tokenHash });
    else {
      qb.andWhere('page_id = :pageId AND psid = :psid', { pageId: where.pageId, psid: where.psid });
      if (where.topicId) qb.andWhere('topic_id = :topicId', { topicId: where.topicId });
    }
    return (await qb.execute()).affected ?? 0;
  }

  /**
   * What a marketing send told us about a token (Broadcasts calls this): stopped (2300034), invalid
   * (2300004/2300005) or expired (2300037). An expired token stops counting from `at`.
   */
  async markFromSend(subscriptionId: string, mark: 'stopped' | 'invalid' | 'expired', at: Date): Promise<void> {
    if (mark === 'expired') {
      await SqlDialect.execute(
        this.dataSource,
        'UPDATE subscriptions SET token_expires_at = ?, updated_at = ? WHERE id = ? AND (token_expires_at IS NULL OR token_expires_at > ?)',
        [this.dialect.time(at), this.dialect.time(this.clock.now()), subscriptionId, this.dialect.time(at)],
      );
      return;
    }
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ status: mark, statusChangedAt: at, updatedAt: this.clock.now() })
      .where('id = :id AND status IN (:...from)', { id: subscriptionId, from: ['active', 'unlisted'] })
      .execute();
  }

  /** One keyset page of a topic's subscribers (ordered by id), filtered by effective status. */
  async listForTopic(
    topicId: string,
    filter: SubscriberFilter | undefined,
    limit: number,
    after: string | undefined,
    at: Date,
  ): Promise<{ items: Subscription[]; nextCursor: string | null }> {
    const qb = this.repo
      .createQueryBuilder('s')
      .where('s.topic_id = :topicId', { topicId })
      .orderBy('s.id', 'ASC')
      .limit(limit + 1);
    if (after) qb.andWhere('s.id > :after', { after });
    const now = this.dialect.time(at);
    if (filter === 'active') qb.andWhere("s.status = 'active' AND (s.token_expires_at IS NULL OR s.token_expires_at > :now)", { now });
    else if (filter === 'expired') qb.andWhere("s.status = 'active' AND s.token_expires_at <= :now", { now });
    else if (filter) qb.andWhere('s.status = :filter', { filter });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  /** The person's subscriptions on the Page (all topics), for unsubscribe. */
  forPerson(pageId: string, psid: string): Promise<Subscription[]> {
    return this.repo.find({ where: { pageId, psid } });
  }

  get(pageId: string, subscriptionId: string): Promise<Subscription | null> {
    return this.repo.findOne({ where: { id: subscriptionId, pageId } });
  }

  async markUnsubscribed(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ status: 'unsubscribed', statusChangedAt: at, updatedAt: this.clock.now() })
      .where('id IN (:...ids)', { ids })
      .execute();
  }

  decryptToken(subscription: Pick<Subscription, 'tokenEnc'>): string {
    return this.cipher.decrypt(subscription.tokenEnc);
  }

  /**
   * One page of Meta's token listing: unknown tokens are inserted (INSERT IGNORE: a duplicate token or a
   * (person, topic) row that already exists is left as it is), known ones are marked as listed now, and
   * `unlisted` ones come back to active. Returns how many rows were created.
   */
  async upsertListed(tokens: TokenFacts[], listedAt: Date): Promise<{ created: number; seen: number }> {
    if (tokens.length === 0) return { created: 0, seen: 0 };
    const t = (d: Date | null | undefined): Date | string | null => (d ? this.dialect.time(d) : null);
    const values: unknown[] = [];
    for (const f of tokens) {
      values.push(
        randomUUID(),
        f.pageId,
        f.psid,
        f.topicId,
        this.cipher.encrypt(f.token),
        hashToken(f.token),
        f.timezone ?? null,
        f.userTokenStatus ?? null,
      );
      values.push(f.frequency ?? null, t(f.tokenExpiresAt), t(f.at), t(listedAt), t(listedAt), t(this.clock.now()));
    }
    const placeholders = tokens.map(() => "(?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, 'import', ?, ?, ?, ?)").join(', ');
    const created = await SqlDialect.execute(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, user_token_status,
         frequency, token_expires_at, source, opted_in_at, status_changed_at, last_listed_at, updated_at) VALUES ${placeholders}`,
      values,
    );
    const hashes = tokens.map((f) => hashToken(f.token));
    const marks = hashes.map(() => '?').join(', ');
    await SqlDialect.execute(
      this.dataSource,
      `UPDATE subscriptions SET last_listed_at = ?, status = CASE WHEN status = 'unlisted' THEN 'active' ELSE status END WHERE token_hash IN (${marks})`,
      [t(listedAt), ...hashes],
    );
    return { created, seen: tokens.length };
  }

  /** After a full listing: active tokens Meta did not list any more are `unlisted` (no longer addressed). */
  async markUnlisted(pageId: string, listingStartedAt: Date): Promise<number> {
    const t = this.dialect.time(listingStartedAt);
    return SqlDialect.execute(
      this.dataSource,
      `UPDATE subscriptions SET status = 'unlisted', status_changed_at = ?, updated_at = ?
       WHERE page_id = ? AND status = 'active' AND (last_listed_at IS NULL OR last_listed_at < ?) AND opted_in_at < ?`,
      [t, this.dialect.time(this.clock.now()), pageId, t, t],
    );
  }
}
