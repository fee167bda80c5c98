import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Meta retries a webhook delivery for up to a day and does not order deliveries, so state moved by
 * webhooks keeps the time of the event that last moved it, and only a newer event moves it again:
 * - `subscriptions.status_event_at`: the time of the last status event applied (opt-in, STOP, RESUME,
 *   a send's 2300034, a listing). Existing rows start from the later of their opt-in and status change.
 * - `early_status_events`: STOP/RESUME webhooks that found no subscription yet (the opt-in delivery is
 *   late); the opt-in or the import that creates the row applies them when they are newer. The primary
 *   key is a hash of the event, so a redelivered one is stored once.
 * - `campaign_deliveries.failed_at`: when Meta reported `marketing_message_delivery_failed`.
 */
export class OrderWebhookStateByEventTime1764000007000 implements MigrationInterface {
  name = 'OrderWebhookStateByEventTime1764000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscriptions ADD COLUMN status_event_at DATETIME(3) NULL');
    await q.query('UPDATE subscriptions SET status_event_at = GREATEST(opted_in_at, status_changed_at)');
    await q.query(`CREATE TABLE early_status_events (
      id CHAR(64) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      topic_id VARCHAR(36) NULL,
      token_hash CHAR(64) NULL,
      status VARCHAR(16) NOT NULL,
      event_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      KEY ix_early_status_events_token (token_hash),
      KEY ix_early_status_events_person (page_id, psid),
      KEY ix_early_status_events_created (created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query('ALTER TABLE campaign_deliveries ADD COLUMN failed_at DATETIME(3) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_deliveries DROP COLUMN failed_at');
    await q.query('DROP TABLE early_status_events');
    await q.query('ALTER TABLE subscriptions DROP COLUMN status_event_at');
  }
}
