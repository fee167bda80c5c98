import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The domain events' durable outbox (written in the transaction of the change that caused each event),
 * the shops' HTTP endpoints (secret encrypted), and one delivery row per event and endpoint, claimed by
 * the integration workers (status, attempts, lease, next attempt; delivered in id order per ordering key).
 */
export class DomainEventOutbox1764000018000 implements MigrationInterface {
  name = 'DomainEventOutbox1764000018000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE domain_events (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
      type VARCHAR(64) NOT NULL,
      ordering_key VARCHAR(255) NOT NULL,
      envelope TEXT NOT NULL,
      occurred_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_domain_events_shop ON domain_events (shop_id, occurred_at)');
    await q.query(`CREATE TABLE integration_endpoints (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
      url VARCHAR(2048) NOT NULL,
      secret_enc TEXT NOT NULL,
      event_types VARCHAR(1024) NOT NULL,
      description VARCHAR(200) NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_integration_endpoints_shop ON integration_endpoints (shop_id)');
    await q.query(`CREATE TABLE endpoint_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      endpoint_id VARCHAR(36) NOT NULL REFERENCES integration_endpoints (id) ON DELETE CASCADE,
      event_id VARCHAR(36) NOT NULL REFERENCES domain_events (id) ON DELETE CASCADE,
      ordering_key VARCHAR(255) NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at DATETIME NOT NULL,
      give_up_at DATETIME NOT NULL,
      lease_until DATETIME NULL,
      claimed_by VARCHAR(36) NULL,
      last_status INTEGER NULL,
      last_error VARCHAR(1000) NULL,
      redelivery_of INTEGER NULL,
      created_at DATETIME NOT NULL,
      delivered_at DATETIME NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_endpoint_deliveries_due ON endpoint_deliveries (status, next_attempt_at)');
    await q.query('CREATE INDEX ix_endpoint_deliveries_key ON endpoint_deliveries (endpoint_id, ordering_key, status, id)');
    await q.query('CREATE INDEX ix_endpoint_deliveries_event ON endpoint_deliveries (event_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE endpoint_deliveries');
    await q.query('DROP TABLE integration_endpoints');
    await q.query('DROP TABLE domain_events');
  }
}
