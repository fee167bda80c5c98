import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cleanup of processed deliveries (done, older than a week) found them through the due index by
 * status alone, reading every done row to check its age: at volume, seconds of work on every sweep.
 */
export class IndexDoneWebhookDeliveries1764000005000 implements MigrationInterface {
  name = 'IndexDoneWebhookDeliveries1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_webhook_inbox_done ON webhook_inbox (status, processed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_webhook_inbox_done ON webhook_inbox');
  }
}
