import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { TokenCipher } from '../common/token-cipher';
import { inAmbientTransaction } from '../database/ambient-transaction';
import { SqlDialect } from '../database/sql-dialect';
import type { SubscriptionRef } from '../integrations/domain-events';
import { DomainEvents } from '../integrations/domain-events.service';
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

/** A STOP or RESUME from the person (the opt-in webhook's `notification_messages_status`). */
export type StatusEvent = 'stopped' | 'resumed';

/** The domain event a status move announces (published only when the status itself moved). */
type Announce =
  | { type: 'customer.subscribed'; source: 'optin' | 'import' }
  | { type: 'customer.stopped' | 'customer.resumed' }
  | { type: 'customer.unsubscribed'; by: 'shop' | 'meta' };

interface RefRow {
  id: string;
  page_id: string;
  psid: string | null;
  topic_id: string;
}

/**
 * Who a status event came from, and which subscriptions it is about: the token it carries, else the
 * person's topic (`topicId`), else all the person's topics on the Page.
 */
export interface StatusEventTarget {
  pageId: string;
  psid: string;
  tokenHash?: string;
  topicId?: string;
}

/**
 * Subscriptions and their tokens. Every write is idempotent (webhooks are processed again after a
 * failure), and the unique keys decide races: one row per (page, person, topic), one row per token.
 *
 * Ordering (Meta retries a delivery for up to a day and does not order deliveries, docs/meta-platform.md §3):
 * `status` moves only through an event newer than the row's `status_event_at`, in one conditional
 * UPDATE (`status_event_at IS NULL OR status_event_at < ?`), so two processes applying two events in
 * either order end in the newer one's state. On a tie a stop wins (`<=`). The token moves only with
 * an opt-in at least as new as the row's `opted_in_at`. The shop's unsubscribe is final: nothing moves
 * an `unsubscribed` row. A STOP/RESUME that finds no row (its opt-in is late) is kept in
 * `early_status_events` and applied, when newer, by the opt-in or import that creates the row.
 *
 * Domain events (customer.subscribed, stopped, resumed, unsubscribed) are published, in the transaction of
 * the write, only for rows whose status (or token, for a re-opt-in) a conditional write actually moved:
 * a replayed or older event changes nothing and announces nothing.
 */
@Injectable()
export class SubscriptionsService {
  private readonly repo: Repository<Subscription>;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {
    this.repo = dataSource.getRepository(Subscription);
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * A person opted in at `facts.at` (Meta's time): creates the subscription, or gives the existing row
   * for that token or that person and topic the new token (a re-opt-in) when this opt-in is not older
   * than the one it holds, and makes it active again when the opt-in is newer than its last status event
   * (a late opt-in never undoes a later STOP) unless the shop unsubscribed them. Then applies any
   * STOP/RESUME that arrived before it.
   */
  async recordOptin(facts: TokenFacts, optinRequestId: string | null): Promise<void> {
    const tokenHash = hashToken(facts.token);
    const existing =
      (await this.repo.findOne({ where: { tokenHash } })) ??
      (facts.psid ? await this.repo.findOne({ where: { pageId: facts.pageId, psid: facts.psid, topicId: facts.topicId } }) : null);
    const at = this.dialect.time(facts.at);
    const now = this.dialect.time(this.clock.now());
    if (existing) {
      const tokenMoved = await SqlDialect.execute(
        this.dataSource,
        `UPDATE subscriptions SET token_enc = ?, token_hash = ?, timezone = COALESCE(?, timezone), user_token_status = ?, frequency = ?,
           token_expires_at = ?, opted_in_at = ?, optin_request_id = COALESCE(?, optin_request_id), updated_at = ?
         WHERE id = ? AND opted_in_at <= ?`,
        [
          this.cipher.encrypt(facts.token),
          tokenHash,
          facts.timezone ?? null,
          facts.userTokenStatus ?? null,
          facts.frequency ?? null,
          facts.tokenExpiresAt ? this.dialect.time(facts.tokenExpiresAt) : null,
          at,
          optinRequestId,
          now,
          existing.id,
          at,
        ],
      );
      // A shop's unsubscribe is final: the customer asked never to be addressed again.
      // Only while the row holds this opt-in's token: an older opt-in with another token changed nothing above.
      const subscribed = { type: 'customer.subscribed', source: 'optin' } as const;
      const { changed, moved } = await this.moveStatus(
        { id: existing.id, tokenHash },
        'active',
        ['active', 'stopped', 'invalid', 'unlisted'],
        facts.at,
        subscribed,
      );
      // A re-opt-in of an active row (say, after its token expired) gave it a new token: subscribed again.
      if (moved === 0 && changed === 1 && tokenMoved === 1 && existing.tokenHash !== tokenHash)
        await this.announce(subscribed, [{ id: existing.id, page_id: existing.pageId, psid: existing.psid, topic_id: existing.topicId }]);
    } else {
      const row: Subscription = {
        id: randomUUID(),
        pageId: facts.pageId,
        psid: facts.psid,
        topicId: facts.topicId,
        tokenEnc: this.cipher.encrypt(facts.token),
        tokenHash,
        status: 'active',
        timezone: facts.timezone ?? null,
        userTokenStatus: facts.userTokenStatus ?? null,
        frequency: facts.frequency ?? null,
        tokenExpiresAt: facts.tokenExpiresAt ?? null,
        source: 'optin',
        optinRequestId,
        optedInAt: facts.at,
        statusChangedAt: facts.at,
        statusEventAt: facts.at,
        lastListedAt: null,
        metaUnsubscribeStatus: null,
        metaUnsubscribeBy: null,
        metaUnsubscribeAttempts: 0,
        metaUnsubscribeNextAt: null,
        metaUnsubscribeError: null,
        updatedAt: this.clock.now(),
      };
      try {
        await this.repo.insert(row);
      } catch (error) {
        // The same opt-in processed twice at once: the other insert won; apply ours over it.
        if (SqlDialect.isDuplicateKey(error)) return this.recordOptin(facts, optinRequestId);
        throw error;
      }
      await this.announce({ type: 'customer.subscribed', source: 'optin' }, [
        { id: row.id, page_id: row.pageId, psid: row.psid, topic_id: row.topicId },
      ]);
    }
    await this.applyEarlyStatusEvents([tokenHash]);
  }

  /**
   * STOP / RESUME from the person at `at` (Meta's time), about one token (`tokenHash`), else about the
   * person's topic (or all their topics on the Page), applied only when newer than the row's last status
   * event. RESUME never revives a subscription the shop unsubscribed or Meta called invalid. An event
   * that finds no subscription at all is kept for the opt-in that will create it. Returns the rows changed.
   */
  async recordStatusChange(event: StatusEventTarget, status: StatusEvent, at: Date): Promise<number> {
    const changed = await this.applyStatusEvent(event, status, at);
    if (changed > 0 || (await this.anyRow(event))) return changed;
    await this.keepEarlyStatusEvent(event, status, at);
    return 0;
  }

  /**
   * What a marketing send told us about a token (Broadcasts calls this): stopped (2300034), invalid
   * (2300004/2300005) or expired (2300037). `at` is when Meta answered; a stop or invalid mark applies
   * only when no newer status event reached the row, and only while it still holds the token that was
   * sent (`sentTokenHash`): a re-opt-in processed meanwhile gave it a new, valid one. An expired token
   * stops counting from `at`.
   */
  markFromSend(subscriptionId: string, mark: 'stopped' | 'invalid' | 'expired', at: Date, sentTokenHash?: string): Promise<void> {
    // One transaction: the mark and the event it announces commit together.
    return inAmbientTransaction(this.dataSource, () => this.markFromSendIn(subscriptionId, mark, at, sentTokenHash));
  }

  private async markFromSendIn(
    subscriptionId: string,
    mark: 'stopped' | 'invalid' | 'expired',
    at: Date,
    sentTokenHash?: string,
  ): Promise<void> {
    const sameToken = sentTokenHash ? { tokenHash: sentTokenHash } : {};
    const byMeta = { type: 'customer.unsubscribed', by: 'meta' } as const;
    if (mark === 'expired') {
      const expired = await SqlDialect.execute(
        this.dataSource,
        `UPDATE subscriptions SET token_expires_at = ?, updated_at = ? WHERE id = ? AND (token_expires_at IS NULL OR token_expires_at > ?)${sentTokenHash ? ' AND token_hash = ?' : ''}`,
        [
          this.dialect.time(at),
          this.dialect.time(this.clock.now()),
          subscriptionId,
          this.dialect.time(at),
          ...(sentTokenHash ? [sentTokenHash] : []),
        ],
      );
      // Meta ended the token: to the shop it is an unsubscribe by Meta (unless the row was no longer active).
      if (expired === 1) await this.announce(byMeta, await this.refRows('id = ? AND status = ?', [subscriptionId, 'active']));
      return;
    }
    if (mark === 'stopped')
      await this.moveStatus({ id: subscriptionId, ...sameToken }, 'stopped', ['active', 'unlisted', 'stopped'], at, {
        type: 'customer.stopped',
      });
    else await this.moveStatus({ id: subscriptionId, ...sameToken }, 'invalid', ['active', 'unlisted', 'invalid'], at, byMeta);
  }

  /**
   * Deletes kept early STOP/RESUME events received before `before`: Meta stops retrying a delivery
   * after a day, so no opt-in older than that can still arrive for them.
   */
  async pruneEarlyStatusEvents(before: Date): Promise<number> {
    return SqlDialect.execute(this.dataSource, 'DELETE FROM early_status_events WHERE created_at < ?', [this.dialect.time(before)]);
  }

  /** STOP moves active, unlisted (and, re-stamped, stopped) rows; RESUME moves stopped, unlisted (and re-stamps active) ones. */
  private async applyStatusEvent(where: StatusEventTarget | { id: string }, status: StatusEvent, at: Date): Promise<number> {
    const { changed } =
      status === 'stopped'
        ? await this.moveStatus(where, 'stopped', ['active', 'unlisted', 'stopped'], at, { type: 'customer.stopped' })
        : await this.moveStatus(where, 'active', ['stopped', 'unlisted', 'active'], at, { type: 'customer.resumed' });
    return changed;
  }

  /**
   * The one conditional UPDATE every status event goes through: the rows of `where` whose status is one
   * of `from` and whose last status event is older than `at` (or as old, for a stop: on a tie the stop
   * wins) take `to` and `at`. `status_changed_at` moves only when the status does. Atomic per row, so
   * concurrent events for the same row serialise on its row lock and the newer one is what stays.
   *
   * Per row of `where`, two conditional UPDATEs: the move (status one of `from` other than `to`), which
   * publishes `announce` when it changed the row, else the re-stamp (status already `to`), which does not.
   * Returns the rows changed by either (`changed`) and by a move (`moved`).
   */
  private async moveStatus(
    where: StatusEventTarget | { id: string; tokenHash?: string },
    to: SubscriptionStatus,
    from: SubscriptionStatus[],
    at: Date,
    announce: Announce,
  ): Promise<{ changed: number; moved: number }> {
    const t = this.dialect.time(at);
    const key = this.keyCondition(where);
    const newer = `(status_event_at IS NULL OR ${to === 'active' ? 'status_event_at < ?' : 'status_event_at <= ?'})`;
    const candidates = await this.refRows(`${key.sql} AND status IN (${from.map(() => '?').join(', ')})`, [...key.params, ...from]);
    const moves = from.filter((status) => status !== to);
    let changed = 0;
    const moved: RefRow[] = [];
    for (const row of candidates) {
      const now = this.dialect.time(this.clock.now());
      const move =
        moves.length === 0
          ? 0
          : await SqlDialect.execute(
              this.dataSource,
              `UPDATE subscriptions SET status_changed_at = ?, status = ?, status_event_at = ?, updated_at = ?
               WHERE id = ? AND status IN (${moves.map(() => '?').join(', ')}) AND ${newer}`,
              [t, to, t, now, row.id, ...moves, t],
            );
      if (move === 1) moved.push(row);
      else if (from.includes(to))
        changed += await SqlDialect.execute(
          this.dataSource,
          `UPDATE subscriptions SET status_event_at = ?, updated_at = ? WHERE id = ? AND status = ? AND ${newer}`,
          [t, now, row.id, to, t],
        );
    }
    await this.announce(announce, moved);
    return { changed: changed + moved.length, moved: moved.length };
  }

  /**
   * The subscriptions matching `sql` (with `params`), as the events name them. A locking read on MySQL:
   * the rows the caller's UPDATEs then change are the latest committed ones, not the transaction's snapshot.
   */
  private refRows(sql: string, params: unknown[]): Promise<RefRow[]> {
    const lock = this.dialect.isMysql ? ' FOR UPDATE' : '';
    return this.dataSource.query(`SELECT id, page_id, psid, topic_id FROM subscriptions WHERE ${sql}${lock}`, params) as Promise<RefRow[]>;
  }

  /** Publishes `announce` for each row (in the caller's transaction, see DomainEvents), a statement or two per Page. */
  private async announce(announce: Announce, rows: RefRow[]): Promise<void> {
    const byPage = new Map<string, SubscriptionRef[]>();
    for (const row of rows) {
      const refs = byPage.get(row.page_id) ?? [];
      refs.push({ pageId: row.page_id, psid: row.psid, topicId: row.topic_id, subscriptionId: row.id });
      byPage.set(row.page_id, refs);
    }
    for (const [pageId, refs] of byPage) {
      const owner = { pageId };
      if (announce.type === 'customer.subscribed')
        await this.events.publishAll(
          announce.type,
          owner,
          refs.map((ref) => ({ ...ref, source: announce.source })),
        );
      else if (announce.type === 'customer.unsubscribed')
        await this.events.publishAll(
          announce.type,
          owner,
          refs.map((ref) => ({ ...ref, by: announce.by })),
        );
      else await this.events.publishAll(announce.type, owner, refs);
    }
  }

  private keyCondition(where: StatusEventTarget | { id: string; tokenHash?: string }): { sql: string; params: string[] } {
    if ('id' in where)
      return where.tokenHash
        ? { sql: 'id = ? AND token_hash = ?', params: [where.id, where.tokenHash] }
        : { sql: 'id = ?', params: [where.id] };
    if (where.tokenHash) return { sql: 'token_hash = ?', params: [where.tokenHash] };
    return where.topicId
      ? { sql: 'page_id = ? AND psid = ? AND topic_id = ?', params: [where.pageId, where.psid, where.topicId] }
      : { sql: 'page_id = ? AND psid = ?', params: [where.pageId, where.psid] };
  }

  /**
   * Whether any subscription matches, read as the latest committed state (a locking read on MySQL: inside
   * the inbox's transaction a plain read sees its snapshot, and its gap lock makes an opt-in inserting the
   * row wait until this event is kept, so that opt-in then finds it).
   */
  private async anyRow(where: StatusEventTarget): Promise<boolean> {
    const key = this.keyCondition(where);
    const rows = (await this.dataSource.query(
      `SELECT id FROM subscriptions WHERE ${key.sql} LIMIT 1${this.dialect.isMysql ? ' FOR UPDATE' : ''}`,
      key.params,
    )) as unknown[];
    return rows.length > 0;
  }

  /** Keeps a STOP/RESUME that found no subscription; its id is a hash of the event, so a redelivery is kept once. */
  private async keepEarlyStatusEvent(event: StatusEventTarget, status: StatusEvent, at: Date): Promise<void> {
    // With a token, the token alone says which subscription: the topic is not kept.
    const key = { ...event, tokenHash: event.tokenHash ?? null, topicId: event.tokenHash ? null : (event.topicId ?? null) };
    const id = createHash('sha256')
      .update(JSON.stringify([key.pageId, key.psid, key.topicId, key.tokenHash, status, at.getTime()]))
      .digest('hex');
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO early_status_events (id, page_id, psid, topic_id, token_hash, status, event_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, key.pageId, key.psid, key.topicId, key.tokenHash, status, this.dialect.time(at), this.dialect.time(this.clock.now())],
    );
  }

  /**
   * Applies, oldest first, the kept early STOP/RESUME events about the subscriptions holding these
   * tokens (by token, or by the person and topic for events that carried no token). Each goes through
   * the same conditional UPDATE, so one older than the row's opt-in changes nothing. Read with a
   * locking read on MySQL for the latest committed events (see anyRow).
   */
  private async applyEarlyStatusEvents(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length === 0) return;
    const marks = tokenHashes.map(() => '?').join(', ');
    const lock = this.dialect.isMysql ? ' FOR UPDATE' : '';
    type Row = { subscription_id: string; status: StatusEvent; event_at: unknown };
    const byToken = (await this.dataSource.query(
      `SELECT s.id AS subscription_id, e.status, e.event_at FROM early_status_events e JOIN subscriptions s ON s.token_hash = e.token_hash
        WHERE e.token_hash IN (${marks})${lock}`,
      tokenHashes,
    )) as Row[];
    const byPerson = (await this.dataSource.query(
      `SELECT s.id AS subscription_id, e.status, e.event_at FROM subscriptions s
         JOIN early_status_events e ON e.page_id = s.page_id AND e.psid = s.psid AND e.token_hash IS NULL AND (e.topic_id IS NULL OR e.topic_id = s.topic_id)
        WHERE s.token_hash IN (${marks})${lock}`,
      tokenHashes,
    )) as Row[];
    const events = [...byToken, ...byPerson];
    const ordered = events
      .map((e) => ({ id: e.subscription_id, status: e.status, at: SqlDialect.parseTime(e.event_at) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const e of ordered) await this.applyStatusEvent({ id: e.id }, e.status, e.at);
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

  /**
   * The shop's unsubscribe: final, whatever event comes later (every other status move excludes
   * `unsubscribed`). Each row that was not unsubscribed yet announces customer.unsubscribed (by the shop),
   * in the same transaction.
   */
  async markUnsubscribed(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await inAmbientTransaction(this.dataSource, async () => {
      const t = this.dialect.time(at);
      const moved: RefRow[] = [];
      for (const row of await this.refRows(`id IN (${ids.map(() => '?').join(', ')})`, ids)) {
        const changed = await SqlDialect.execute(
          this.dataSource,
          `UPDATE subscriptions SET status = 'unsubscribed', status_changed_at = ?, status_event_at = ?, updated_at = ? WHERE id = ? AND status <> 'unsubscribed'`,
          [t, t, this.dialect.time(this.clock.now()), row.id],
        );
        if (changed === 1) moved.push(row);
      }
      await this.announce({ type: 'customer.unsubscribed', by: 'shop' }, moved);
    });
  }

  decryptToken(subscription: Pick<Subscription, 'tokenEnc'>): string {
    return this.cipher.decrypt(subscription.tokenEnc);
  }

  /**
   * One page of Meta's token listing, read after `listedAt` (the listing's start): unknown tokens are
   * inserted (INSERT IGNORE: a duplicate token or a (person, topic) row that already exists is left as it
   * is) with their creation time as their status event, then STOP/RESUME events kept for them apply; known
   * ones are marked as listed now, and `unlisted` ones come back to active unless a newer status event
   * reached them. A listing never revives a `stopped` row. Returns how many rows were created.
   */
  async upsertListed(tokens: TokenFacts[], listedAt: Date): Promise<{ created: number; seen: number }> {
    if (tokens.length === 0) return { created: 0, seen: 0 };
    // One transaction: the rows and the customer.subscribed events they announce commit together.
    return inAmbientTransaction(this.dataSource, () => this.upsertListedIn(tokens, listedAt));
  }

  private async upsertListedIn(tokens: TokenFacts[], listedAt: Date): Promise<{ created: number; seen: number }> {
    const t = (d: Date | null | undefined): Date | string | null => (d ? this.dialect.time(d) : null);
    const values: unknown[] = [];
    const ids = tokens.map(() => randomUUID());
    for (const [i, f] of tokens.entries()) {
      values.push(
        ids[i],
        f.pageId,
        f.psid,
        f.topicId,
        this.cipher.encrypt(f.token),
        hashToken(f.token),
        f.timezone ?? null,
        f.userTokenStatus ?? null,
      );
      values.push(f.frequency ?? null, t(f.tokenExpiresAt), t(f.at), t(f.at), t(f.at), t(listedAt), t(this.clock.now()));
    }
    const placeholders = tokens.map(() => "(?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, 'import', ?, ?, ?, ?, ?)").join(', ');
    const created = await SqlDialect.execute(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, user_token_status,
         frequency, token_expires_at, source, opted_in_at, status_changed_at, status_event_at, last_listed_at, updated_at) VALUES ${placeholders}`,
      values,
    );
    const imported = { type: 'customer.subscribed', source: 'import' } as const;
    // The ids this call generated that are in the table are the rows it created (INSERT IGNORE kept the others out).
    if (created > 0) await this.announce(imported, await this.refRows(`id IN (${ids.map(() => '?').join(', ')})`, ids));
    const hashes = tokens.map((f) => hashToken(f.token));
    const marks = hashes.map(() => '?').join(', ');
    await SqlDialect.execute(this.dataSource, `UPDATE subscriptions SET last_listed_at = ? WHERE token_hash IN (${marks})`, [
      t(listedAt),
      ...hashes,
    ]);
    const unlisted = await this.refRows(`token_hash IN (${marks}) AND status = 'unlisted'`, hashes);
    const relisted: RefRow[] = [];
    for (const row of unlisted) {
      const changed = await SqlDialect.execute(
        this.dataSource,
        `UPDATE subscriptions SET status = 'active', status_changed_at = ?, status_event_at = ?, updated_at = ?
         WHERE id = ? AND status = 'unlisted' AND (status_event_at IS NULL OR status_event_at < ?)`,
        [t(listedAt), t(listedAt), t(this.clock.now()), row.id, t(listedAt)],
      );
      if (changed === 1) relisted.push(row);
    }
    // Listed again: addressed again, so subscribed (from the import/reconcile) as far as the shop can tell.
    await this.announce(imported, relisted);
    await this.applyEarlyStatusEvents(hashes);
    return { created, seen: tokens.length };
  }

  /**
   * After a full listing started at `listingStartedAt`: active tokens Meta did not list any more are
   * `unlisted` (no longer addressed), except those an opt-in or RESUME newer than the listing's start
   * reached (the listing may have read their page before).
   */
  async markUnlisted(pageId: string, listingStartedAt: Date): Promise<number> {
    const t = this.dialect.time(listingStartedAt);
    return SqlDialect.execute(
      this.dataSource,
      `UPDATE subscriptions SET status = 'unlisted', status_changed_at = ?, status_event_at = ?, updated_at = ?
       WHERE page_id = ? AND status = 'active' AND (last_listed_at IS NULL OR last_listed_at < ?) AND opted_in_at < ?
         AND (status_event_at IS NULL OR status_event_at < ?)`,
      [t, t, this.dialect.time(this.clock.now()), pageId, t, t, t],
    );
  }
}
