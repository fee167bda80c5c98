import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { afterCommit, installAfterCommit } from '../database/after-commit';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { domainEventName, type DomainEvent, type DomainEventData, type DomainEventType } from './domain-events';

/** How long the plugin keeps posting an event to an endpoint before marking its delivery `failed`. */
export const DELIVERY_GIVE_UP_MS = 24 * 3600_000;
/** Events per INSERT (6 values each: well under SQLite's and MySQL's limits on bound values). */
const CHUNK = 500;

/** The shop of an event: given, or the one owning the Page (`pages.shop_id`, read in the same transaction). */
export type EventOwner = { shopId: string } | { pageId: string };

/**
 * Publishes the plugin's domain events (src/integrations/domain-events.ts), the one way they leave:
 *
 * 1. the envelope is written to the `domain_events` outbox, with one `endpoint_deliveries` row per HTTP
 *    endpoint of the shop that picked its type, through `em` when given (inside `dataSource.transaction(em => …)`)
 *    or the DataSource (which joins an ambient transaction, see ambient-transaction.ts; SQLite has one
 *    connection): so the event is durable exactly when the change that caused it is;
 * 2. once that transaction commits (at once when there is none), it is emitted in-process under
 *    `domainEventName(type)`. A rolled-back change emits nothing. A listener's error is logged, never
 *    thrown back into the change that already committed.
 *
 * Callers publish only when their conditional write changed a row, so a replayed or out-of-order webhook
 * emits nothing.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly emitter: EventEmitter2,
    private readonly clock: Clock,
  ) {
    installAfterCommit(dataSource);
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Writes the event (see the class) and returns its envelope, or null when the Page is unknown (an event
   * about a Page no shop owns has nobody to go to). `occurredAt` defaults to now (Clock).
   */
  async publish<T extends DomainEventType>(
    type: T,
    owner: EventOwner,
    data: DomainEventData[T],
    em?: EntityManager,
    occurredAt: Date = this.clock.now(),
  ): Promise<DomainEvent<T> | null> {
    const [event] = await this.publishAll(type, owner, [data], em, occurredAt);
    return event ?? null;
  }

  /**
   * The same for many events of one type and owner (a page of imported subscribers), with one statement
   * per table for each chunk of 500 instead of three per event. Returns their envelopes, in order.
   */
  async publishAll<T extends DomainEventType>(
    type: T,
    owner: EventOwner,
    data: Array<DomainEventData[T]>,
    em?: EntityManager,
    occurredAt: Date = this.clock.now(),
  ): Promise<Array<DomainEvent<T>>> {
    if (data.length === 0) return [];
    const db = em ?? this.dataSource;
    const shopId = 'shopId' in owner ? owner.shopId : await this.shopOfPage(db, owner.pageId);
    if (!shopId) return [];
    const events = data.map((d): DomainEvent<T> => ({
      id: randomUUID(),
      type,
      shopId,
      occurredAt: occurredAt.toISOString(),
      orderingKey: orderingKey(type, d),
      data: d,
    }));
    const now = this.clock.now();
    for (let i = 0; i < events.length; i += CHUNK) {
      const chunk = events.slice(i, i + CHUNK);
      const at = this.dialect.time(occurredAt);
      await db.query(
        `INSERT INTO domain_events (id, shop_id, type, ordering_key, envelope, occurred_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((e) => [e.id, shopId, type, e.orderingKey, JSON.stringify(e), at]),
      );
      // event_types is stored as ",a,b,": one LIKE finds the endpoints that picked this type. Rows in the
      // order of the chunk: a delivery's id is its place in its ordering key's queue.
      const cases = chunk.map((_, n) => `WHEN ? THEN ${n}`).join(' ');
      await db.query(
        `INSERT INTO endpoint_deliveries (endpoint_id, event_id, ordering_key, status, attempts, next_attempt_at, give_up_at, created_at, updated_at)
         SELECT e.id, d.id, d.ordering_key, 'pending', 0, ?, ?, ?, ?
           FROM integration_endpoints e JOIN domain_events d ON d.id IN (${chunk.map(() => '?').join(', ')})
          WHERE e.shop_id = ? AND e.event_types LIKE ?
          ORDER BY CASE d.id ${cases} END, e.id`,
        [
          this.dialect.time(now),
          this.dialect.time(new Date(now.getTime() + DELIVERY_GIVE_UP_MS)),
          this.dialect.time(now),
          this.dialect.time(now),
          ...chunk.map((e) => e.id),
          shopId,
          `%,${type},%`,
          ...chunk.map((e) => e.id),
        ],
      );
    }
    afterCommit(() => events.forEach((event) => this.emit(event)));
    return events;
  }

  private emit(event: DomainEvent): void {
    const failed = (error: unknown): void =>
      this.logger.error({
        msg: 'a domain event listener failed',
        eventId: event.id,
        type: event.type,
        error: error instanceof Error ? error.message : String(error),
      });
    try {
      this.emitter.emitAsync(domainEventName(event.type), event).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  private async shopOfPage(db: DataSource | EntityManager, pageId: string): Promise<string | null> {
    const [row] = (await db.query('SELECT shop_id FROM pages WHERE id = ?', [pageId])) as Array<{ shop_id: string }>;
    return row?.shop_id ?? null;
  }
}

/**
 * Events that must arrive in order share a key: a customer's events (subscription, refusals, order events)
 * `<pageId>:<psid>`, a campaign's `campaign:<id>`; without a PSID, a subscription's own
 * `<pageId>:subscription:<id>` and an order's `<pageId>:order:<orderId>`.
 */
export function orderingKey<T extends DomainEventType>(type: T, data: DomainEventData[T]): string {
  const d = data as Partial<Record<'campaignId' | 'pageId' | 'psid' | 'orderId' | 'subscriptionId', string | null>>;
  if (type.startsWith('campaign.')) return `campaign:${d.campaignId}`;
  if (d.psid) return `${d.pageId}:${d.psid}`;
  return type.startsWith('customer.') ? `${d.pageId}:subscription:${d.subscriptionId}` : `${d.pageId}:order:${d.orderId}`;
}
