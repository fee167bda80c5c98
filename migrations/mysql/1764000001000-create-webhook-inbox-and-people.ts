import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhookInboxAndPeople1764000001000 implements MigrationInterface {
  name = 'CreateWebhookInboxAndPeople1764000001000';

  async up(q: QueryRunner): Promise<void> {
    // ux_webhook_inbox_hash drops Meta's redeliveries of the same bytes; ix_webhook_inbox_due serves the sweep.
    await q.query(`CREATE TABLE webhook_inbox (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      body_hash CHAR(64) NOT NULL,
      body MEDIUMTEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      received_at DATETIME(3) NOT NULL,
      next_attempt_at DATETIME(3) NOT NULL,
      lease_until DATETIME(3) NULL,
      claimed_by VARCHAR(36) NULL,
      processed_at DATETIME(3) NULL,
      last_error TEXT NULL,
      UNIQUE KEY ux_webhook_inbox_hash (body_hash),
      KEY ix_webhook_inbox_due (status, next_attempt_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE people (
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      platform VARCHAR(16) NOT NULL,
      first_seen_at DATETIME(3) NOT NULL,
      last_inbound_at DATETIME(3) NULL,
      PRIMARY KEY (page_id, psid)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE people');
    await q.query('DROP TABLE webhook_inbox');
  }
}
