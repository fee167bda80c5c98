import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `webhook_inbox.subjects`: the ids a delivery names (`,psid,page,…,`), written at intake, so that a
 * decision finds the acknowledged but unapplied deliveries about its person (FreshState). Rows stored
 * before this migration keep NULL, read as "may concern anyone". No index: the lookup only walks the
 * unapplied rows, through ix_webhook_inbox_due (status, …).
 */
export class RecordWebhookSubjects1764000009000 implements MigrationInterface {
  name = 'RecordWebhookSubjects1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_inbox ADD COLUMN subjects TEXT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE webhook_inbox DROP COLUMN subjects');
  }
}
