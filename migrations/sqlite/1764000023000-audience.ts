import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audience: per-customer order summaries (kept from the POS's order events), the orders they are summed
 * from (one row per Page and order: what makes a repeat or a later status count the order once), the
 * items and categories a customer bought, tags the POS sets, saved segments, and a campaign's segment.
 */
export class Audience1764000023000 implements MigrationInterface {
  name = 'Audience1764000023000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE customer_orders (
      page_id VARCHAR(64) NOT NULL, order_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL,
      status VARCHAR(16) NOT NULL, status_at DATETIME NOT NULL, placed_at DATETIME NOT NULL,
      amount INTEGER NOT NULL DEFAULT 0, counted BOOLEAN NOT NULL,
      PRIMARY KEY (page_id, order_id)
    )`);
    await q.query('CREATE INDEX ix_customer_orders_customer ON customer_orders (page_id, psid, placed_at)');
    await q.query(`CREATE TABLE customer_order_summaries (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL,
      first_order_at DATETIME NULL, last_order_at DATETIME NULL,
      orders_count INTEGER NOT NULL DEFAULT 0, total_spent INTEGER NOT NULL DEFAULT 0, currency VARCHAR(3) NOT NULL,
      last_order_id VARCHAR(64) NULL, last_status VARCHAR(16) NULL, updated_at DATETIME NOT NULL,
      PRIMARY KEY (page_id, psid)
    )`);
    await q.query('CREATE INDEX ix_summaries_last_order ON customer_order_summaries (page_id, last_order_at)');
    await q.query('CREATE INDEX ix_summaries_spent ON customer_order_summaries (page_id, total_spent)');
    await q.query(`CREATE TABLE customer_purchases (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL, kind VARCHAR(8) NOT NULL, value VARCHAR(200) NOT NULL,
      PRIMARY KEY (page_id, psid, kind, value)
    )`);
    await q.query('CREATE INDEX ix_customer_purchases_value ON customer_purchases (page_id, kind, value)');
    await q.query(`CREATE TABLE customer_tags (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL, tag VARCHAR(64) NOT NULL, created_at DATETIME NOT NULL,
      PRIMARY KEY (page_id, psid, tag)
    )`);
    await q.query('CREATE INDEX ix_customer_tags_tag ON customer_tags (page_id, tag)');
    await q.query(`CREATE TABLE segments (
      id VARCHAR(36) NOT NULL PRIMARY KEY, shop_id VARCHAR(36) NOT NULL, page_id VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL,
      definition TEXT NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_segments_page ON segments (page_id, created_at)');
    await q.query('ALTER TABLE campaigns ADD COLUMN segment_id VARCHAR(36) NULL');
    await q.query('ALTER TABLE campaigns ADD COLUMN segment_definition TEXT NULL');
    await q.query('CREATE INDEX ix_campaigns_segment ON campaigns (segment_id)');
    // Covers an audience count's walk of a topic and its per-customer lookups without reading subscription rows.
    await q.query('CREATE INDEX ix_subscriptions_audience ON subscriptions (topic_id, status, page_id, psid, token_expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_audience');
    await q.query('DROP INDEX ix_campaigns_segment');
    await q.query('ALTER TABLE campaigns DROP COLUMN segment_definition');
    await q.query('ALTER TABLE campaigns DROP COLUMN segment_id');
    for (const table of ['segments', 'customer_tags', 'customer_purchases', 'customer_order_summaries', 'customer_orders'])
      await q.query(`DROP TABLE ${table}`);
  }
}
