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
      status VARCHAR(16) NOT NULL, status_at DATETIME(3) NOT NULL, placed_at DATETIME(3) NOT NULL,
      amount BIGINT NOT NULL DEFAULT 0, counted TINYINT(1) NOT NULL,
      PRIMARY KEY (page_id, order_id), KEY ix_customer_orders_customer (page_id, psid, placed_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE customer_order_summaries (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL,
      first_order_at DATETIME(3) NULL, last_order_at DATETIME(3) NULL,
      orders_count INT NOT NULL DEFAULT 0, total_spent BIGINT NOT NULL DEFAULT 0, currency VARCHAR(3) NOT NULL,
      last_order_id VARCHAR(64) NULL, last_status VARCHAR(16) NULL, updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (page_id, psid),
      KEY ix_summaries_last_order (page_id, last_order_at), KEY ix_summaries_spent (page_id, total_spent)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE customer_purchases (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL, kind VARCHAR(8) NOT NULL, value VARCHAR(200) NOT NULL,
      PRIMARY KEY (page_id, psid, kind, value), KEY ix_customer_purchases_value (page_id, kind, value)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE customer_tags (
      page_id VARCHAR(64) NOT NULL, psid VARCHAR(64) NOT NULL, tag VARCHAR(64) NOT NULL, created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (page_id, psid, tag), KEY ix_customer_tags_tag (page_id, tag)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE segments (
      id VARCHAR(36) NOT NULL, shop_id VARCHAR(36) NOT NULL, page_id VARCHAR(64) NOT NULL, name VARCHAR(200) NOT NULL,
      definition TEXT NOT NULL, created_at DATETIME(3) NOT NULL, updated_at DATETIME(3) NOT NULL,
      PRIMARY KEY (id), KEY ix_segments_page (page_id, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query('ALTER TABLE campaigns ADD COLUMN segment_id VARCHAR(36) NULL, ADD COLUMN segment_definition TEXT NULL');
    await q.query('CREATE INDEX ix_campaigns_segment ON campaigns (segment_id)');
    // Covers an audience count's walk of a topic (status, token expiry) and its per-customer lookups (page_id,
    // psid) without reading subscription rows; in psid order, so the summary lookups go in primary-key order.
    await q.query('CREATE INDEX ix_subscriptions_audience ON subscriptions (topic_id, status, page_id, psid, token_expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_audience ON subscriptions');
    await q.query('DROP INDEX ix_campaigns_segment ON campaigns');
    await q.query('ALTER TABLE campaigns DROP COLUMN segment_definition, DROP COLUMN segment_id');
    for (const table of ['segments', 'customer_tags', 'customer_purchases', 'customer_order_summaries', 'customer_orders'])
      await q.query(`DROP TABLE ${table}`);
  }
}
