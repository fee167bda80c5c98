import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWebhookInboxAndPeople1764000001000 implements MigrationInterface {
  name = 'CreateWebhookInboxAndPeople1764000001000';

  async up(q: QueryRunner): Promise<void> {
    // ux_webhook_inbox_hash drops Meta's redeliveries of the same bytes; ix_webhook_inbox_due serves the sweep.
    await q.query(`CREATE TABLE webhook_inbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      body_hash CHAR(64) NOT NULL,
      body TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      received_at DATETIME NOT NULL,
      next_attempt_at DATETIME NOT NULL,
      lease_until DATETIME NULL,
      claimed_by VARCHAR(36) NULL,
      processed_at DATETIME NULL,
      last_error TEXT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_webhook_inbox_hash ON webhook_inbox (body_hash)');
    await q.query('CREATE INDEX ix_webhook_inbox_due ON webhook_inbox (status, next_attempt_at)');
    await q.query(`CREATE TABLE people (
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      platform VARCHAR(16) NOT NULL,
      first_seen_at DATETIME NOT NULL,
      last_inbound_at DATETIME NULL,
      PRIMARY KEY (page_id, psid)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE people');
    await q.query('DROP TABLE webhook_inbox');
  }
}
