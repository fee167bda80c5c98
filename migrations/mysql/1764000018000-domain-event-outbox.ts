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
      shop_id VARCHAR(36) NOT NULL,
      type VARCHAR(64) NOT NULL,
      ordering_key VARCHAR(255) NOT NULL,
      envelope MEDIUMTEXT NOT NULL,
      occurred_at DATETIME(3) NOT NULL,
      KEY ix_domain_events_shop (shop_id, occurred_at),
      CONSTRAINT fk_domain_events_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE integration_endpoints (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      url VARCHAR(2048) NOT NULL,
      secret_enc TEXT NOT NULL,
      event_types VARCHAR(1024) NOT NULL,
      description VARCHAR(200) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_integration_endpoints_shop (shop_id),
      CONSTRAINT fk_integration_endpoints_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE endpoint_deliveries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      endpoint_id VARCHAR(36) NOT NULL,
      event_id VARCHAR(36) NOT NULL,
      ordering_key VARCHAR(255) NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL,
      give_up_at DATETIME(3) NOT NULL,
      lease_until DATETIME(3) NULL,
      claimed_by VARCHAR(36) NULL,
      last_status INT NULL,
      last_error VARCHAR(1000) NULL,
      redelivery_of BIGINT NULL,
      created_at DATETIME(3) NOT NULL,
      delivered_at DATETIME(3) NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_endpoint_deliveries_due (status, next_attempt_at),
      KEY ix_endpoint_deliveries_key (endpoint_id, ordering_key, status, id),
      KEY ix_endpoint_deliveries_event (event_id),
      CONSTRAINT fk_endpoint_deliveries_endpoint FOREIGN KEY (endpoint_id) REFERENCES integration_endpoints (id) ON DELETE CASCADE,
      CONSTRAINT fk_endpoint_deliveries_event FOREIGN KEY (event_id) REFERENCES domain_events (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE endpoint_deliveries');
    await q.query('DROP TABLE integration_endpoints');
    await q.query('DROP TABLE domain_events');
  }
}
