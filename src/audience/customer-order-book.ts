import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { ORDER_STATUSES, type OrderStatus } from '../pos-notifications/order-status';

/** What of an order event the summaries need (a subset of OrderEventDto / PosOrderStatusChanged). */
export interface OrderFacts {
  pageId: string;
  customerPsid: string;
  orderId: string;
  status: OrderStatus;
  /** RFC 3339 instant of the status change in the POS. */
  occurredAt: string | Date;
  /** Minor units of `currency` (MINOR_UNITS_RULE). */
  total?: number;
  /** ISO 4217; the shop's currency when absent. */
  currency?: string;
  items?: Array<{ name: string; category?: string }>;
}

/** An order in one of these is not (or no longer) an order the customer made: not counted, its amount not spent. */
export const UNCOUNTED_STATUSES: readonly OrderStatus[] = ['CANCELED', 'RETURNED'];

/**
 * Keeps the per-customer order summaries (customer_order_summaries) from the POS's order events, inside
 * the caller's transaction (the one that stores the order event), so the summary and the event commit together.
 *
 * What counts as an order: one (Page, order id), whatever statuses it goes through (customer_orders has
 * one row per order), counted while its newest status is not CANCELED or RETURNED. Its amount is the
 * `total` of its newest event that carried one, in minor units, when that is in the shop's currency
 * (absent = the shop's); a total in another currency is not added (0), since we do not convert.
 * The order's date is the earliest event time seen for it (`placed_at`).
 *
 * Idempotent and order-independent: an event applies to the order only if it is newer (by `occurredAt`,
 * ties broken by the status's place in ORDER_STATUSES) than the one applied last, so a repeat, a
 * redelivery or a late older event changes nothing; the summary is then recomputed from the customer's
 * orders (a handful of rows, by ix_customer_orders_customer), never incremented, so nothing double counts.
 * Across processes the customer's summary row is locked first (an upsert takes its row lock on MySQL;
 * SQLite has one writer), so two events of one customer are applied one after the other.
 */
@Injectable()
export class CustomerOrderBook {
  constructor(private readonly clock: Clock) {}

  async applyIn(em: EntityManager, event: OrderFacts, shopCurrency: string): Promise<void> {
    const d = new SqlDialect(em);
    const now = d.time(this.clock.now());
    const at = new Date(event.occurredAt);
    const key = [event.pageId, event.customerPsid];
    // The lock that orders concurrent writers of this customer (see the class comment).
    await em.query(
      d.isMysql
        ? `INSERT INTO customer_order_summaries (page_id, psid, currency, updated_at) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE psid = psid`
        : `INSERT INTO customer_order_summaries (page_id, psid, currency, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [...key, shopCurrency, now],
    );
    const forUpdate = d.isMysql ? ' FOR UPDATE' : '';
    const inShopCurrency = event.total !== undefined && (event.currency ?? shopCurrency) === shopCurrency;
    const counted = !UNCOUNTED_STATUSES.includes(event.status);
    // Insert first, read only an existing row: a locking read of a missing key would take a gap lock on
    // MySQL, and two new orders (of other customers) in one gap would deadlock on their inserts.
    const added = await SqlDialect.execute(
      em,
      `${d.insertIgnore()} INTO customer_orders (page_id, order_id, psid, status, status_at, placed_at, amount, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        event.pageId,
        event.orderId,
        event.customerPsid,
        event.status,
        d.time(at),
        d.time(at),
        inShopCurrency ? event.total : 0,
        counted ? 1 : 0,
      ],
    );
    const [order] =
      added === 1
        ? []
        : ((await em.query(
            `SELECT status, status_at, placed_at, amount FROM customer_orders WHERE page_id = ? AND order_id = ?${forUpdate}`,
            [event.pageId, event.orderId],
          )) as Array<{ status: string; status_at: unknown; placed_at: unknown; amount: string | number }>);
    if (order) {
      const newer = isNewer(at, event.status, SqlDialect.parseTime(order.status_at), order.status);
      const placedAt = Math.min(at.getTime(), SqlDialect.parseTime(order.placed_at).getTime());
      if (!newer && placedAt === SqlDialect.parseTime(order.placed_at).getTime()) return;
      await em.query(
        newer
          ? `UPDATE customer_orders SET status = ?, status_at = ?, counted = ?, amount = ?, placed_at = ? WHERE page_id = ? AND order_id = ?`
          : `UPDATE customer_orders SET placed_at = ? WHERE page_id = ? AND order_id = ?`,
        newer
          ? [
              event.status,
              d.time(at),
              counted ? 1 : 0,
              event.total === undefined ? Number(order.amount) : inShopCurrency ? event.total : 0,
              d.time(new Date(placedAt)),
              event.pageId,
              event.orderId,
            ]
          : [d.time(new Date(placedAt)), event.pageId, event.orderId],
      );
    }
    if (counted) await this.recordPurchases(em, d, event);
    await this.recompute(em, d, event.pageId, event.customerPsid, now);
  }

  /**
   * Has the customer (Page + PSID) ordered: at least one counted order (one whose newest status is not
   * CANCELED or RETURNED) in their summary, whatever POS rules the order's events matched (an event no rule
   * matched writes no order_events row, but is an order all the same). The one answer to that question: flows'
   * `has_ordered` asks it here, and the segments' order conditions read the same summary. Through the caller's
   * `em` (inside its transaction); a primary-key lookup.
   */
  async hasOrdered(em: EntityManager, pageId: string, psid: string): Promise<boolean> {
    const rows = (await em.query('SELECT 1 AS yes FROM customer_order_summaries WHERE page_id = ? AND psid = ? AND orders_count > 0', [
      pageId,
      psid,
    ])) as unknown[];
    return rows.length > 0;
  }

  private async recordPurchases(em: EntityManager, d: SqlDialect, event: OrderFacts): Promise<void> {
    const values = new Map<string, [string, string]>();
    for (const item of event.items ?? []) {
      const name = normalisePurchase(item.name);
      if (name) values.set(`item:${name}`, ['item', name]);
      const category = item.category === undefined ? '' : normalisePurchase(item.category);
      if (category) values.set(`category:${category}`, ['category', category]);
    }
    if (values.size === 0) return;
    const rows = [...values.values()];
    await em.query(
      `${d.insertIgnore()} INTO customer_purchases (page_id, psid, kind, value) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
      rows.flatMap(([kind, value]) => [event.pageId, event.customerPsid, kind, value]),
    );
  }

  /**
   * Plain reads, no range locks (a locking range read would gap-lock the next customer's orders and
   * deadlock concurrent inserts): the summary row lock taken first makes every earlier writer of this
   * customer committed, and the reads here are the transaction's first consistent reads on MySQL (the order
   * event's insert before them reads nothing), so their snapshot is taken after that lock and sees them all.
   */
  private async recompute(em: EntityManager, d: SqlDialect, pageId: string, psid: string, now: unknown): Promise<void> {
    const [sum] = (await em.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS spent, MIN(placed_at) AS first_at, MAX(placed_at) AS last_at
         FROM customer_orders WHERE page_id = ? AND psid = ? AND counted = 1`,
      [pageId, psid],
    )) as Array<{ n: string | number; spent: string | number; first_at: unknown; last_at: unknown }>;
    const [latest] = (await em.query(
      `SELECT order_id, status FROM customer_orders WHERE page_id = ? AND psid = ? ORDER BY placed_at DESC, order_id DESC LIMIT 1`,
      [pageId, psid],
    )) as Array<{ order_id: string; status: string }>;
    const time = (v: unknown): unknown => (v === null || v === undefined ? null : d.time(SqlDialect.parseTime(v)));
    await em.query(
      `UPDATE customer_order_summaries SET orders_count = ?, total_spent = ?, first_order_at = ?, last_order_at = ?,
              last_order_id = ?, last_status = ?, updated_at = ? WHERE page_id = ? AND psid = ?`,
      [
        Number(sum?.n ?? 0),
        String(sum?.spent ?? 0),
        time(sum?.first_at),
        time(sum?.last_at),
        latest?.order_id ?? null,
        latest?.status ?? null,
        now,
        pageId,
        psid,
      ],
    );
  }
}

/** Later by event time; at the same instant, the status further along ORDER_STATUSES wins (a repeat is not newer). */
function isNewer(at: Date, status: string, appliedAt: Date, appliedStatus: string): boolean {
  if (at.getTime() !== appliedAt.getTime()) return at.getTime() > appliedAt.getTime();
  const rank = (s: string): number => ORDER_STATUSES.indexOf(s as OrderStatus);
  return rank(status) > rank(appliedStatus);
}

/** Item names and categories are matched case-insensitively, without surrounding spaces. */
export function normalisePurchase(value: string): string {
  return value.trim().toLowerCase().slice(0, 200);
}
