import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Unsubscribing a person at Meta (POST /<PAGE_ID>/messaging_customer_base/unsubscribe) can be refused or
 * leave rows unmatched; the shop must see that and the call must be retried durably. Each subscription
 * carries the state of its unsubscribe at Meta: pending (a worker retries it at next_at), done, or failed
 * with the reason. `by` says which row shape the call sends (the person's PSID or this row's token).
 */
export class TrackMetaUnsubscribe1764000008000 implements MigrationInterface {
  name = 'TrackMetaUnsubscribe1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE subscriptions ADD COLUMN meta_unsubscribe_status VARCHAR(8) NULL');
    await q.query('ALTER TABLE subscriptions ADD COLUMN meta_unsubscribe_by VARCHAR(8) NULL');
    await q.query('ALTER TABLE subscriptions ADD COLUMN meta_unsubscribe_attempts INT NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE subscriptions ADD COLUMN meta_unsubscribe_next_at DATETIME NULL');
    await q.query('ALTER TABLE subscriptions ADD COLUMN meta_unsubscribe_error VARCHAR(255) NULL');
    // The worker's poll: pending rows by due time.
    await q.query(
      'CREATE INDEX ix_subscriptions_meta_unsubscribe_due ON subscriptions (meta_unsubscribe_status, meta_unsubscribe_next_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_meta_unsubscribe_due');
    for (const column of ['error', 'next_at', 'attempts', 'by', 'status']) {
      await q.query(`ALTER TABLE subscriptions DROP COLUMN meta_unsubscribe_${column}`);
    }
  }
}
