import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that let an audience count read indexes only, from either side (src/audience/audience-count.ts):
 * - walking a topic's subscribers: ix_subscriptions_audience now also holds timezone and opted_in_at, the
 *   subscription columns segments test, so a timezone, country or subscribed-since condition reads no row;
 * - walking the order summaries of a Page: ix_summaries_audience (page_id, last_order_at, orders_count,
 *   total_spent, last_status) holds every column an order condition tests, a range on last_order_at for
 *   "ordered within N days"; it replaces ix_summaries_last_order (its prefix) and ix_summaries_spent;
 * - from a summary to the customer's subscription to the topic: ix_subscriptions_customer_audience.
 * SQLite's count walks the topic (it has no row estimates to choose by); the indexes match MySQL's.
 */
export class AudienceCountIndexes1764000028000 implements MigrationInterface {
  name = 'AudienceCountIndexes1764000028000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_audience');
    await q.query(
      'CREATE INDEX ix_subscriptions_audience ON subscriptions (topic_id, status, page_id, psid, token_expires_at, timezone, opted_in_at)',
    );
    await q.query(
      'CREATE INDEX ix_subscriptions_customer_audience ON subscriptions (page_id, psid, topic_id, status, token_expires_at, timezone, opted_in_at)',
    );
    await q.query('DROP INDEX ix_summaries_last_order');
    await q.query('DROP INDEX ix_summaries_spent');
    await q.query(
      'CREATE INDEX ix_summaries_audience ON customer_order_summaries (page_id, last_order_at, orders_count, total_spent, last_status)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_summaries_audience');
    await q.query('CREATE INDEX ix_summaries_spent ON customer_order_summaries (page_id, total_spent)');
    await q.query('CREATE INDEX ix_summaries_last_order ON customer_order_summaries (page_id, last_order_at)');
    await q.query('DROP INDEX ix_subscriptions_customer_audience');
    await q.query('DROP INDEX ix_subscriptions_audience');
    await q.query('CREATE INDEX ix_subscriptions_audience ON subscriptions (topic_id, status, page_id, psid, token_expires_at)');
  }
}
