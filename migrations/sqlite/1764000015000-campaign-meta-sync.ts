import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A campaign records what it asked Meta before asking (meta_sync 'pending' with meta_intent: the call as
 * JSON and when it was first asked), so a failed, timed-out or interrupted call is finished by the
 * reconciler instead of leaving Meta and our row apart. Existing rows are in step ('synced').
 */
export class CampaignMetaSync1764000015000 implements MigrationInterface {
  name = 'CampaignMetaSync1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns ADD COLUMN meta_sync VARCHAR(16) NOT NULL DEFAULT 'synced'`);
    await q.query('ALTER TABLE campaigns ADD COLUMN meta_intent TEXT NULL');
    await q.query('ALTER TABLE campaigns ADD COLUMN meta_sync_next_at DATETIME NULL');
    await q.query('ALTER TABLE campaigns ADD COLUMN meta_sync_attempts INTEGER NOT NULL DEFAULT 0');
    await q.query('ALTER TABLE campaigns ADD COLUMN meta_sync_error VARCHAR(255) NULL');
    await q.query('CREATE INDEX idx_campaigns_meta_sync ON campaigns (meta_sync, meta_sync_next_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX idx_campaigns_meta_sync');
    for (const column of ['meta_sync_error', 'meta_sync_attempts', 'meta_sync_next_at', 'meta_intent', 'meta_sync'])
      await q.query(`ALTER TABLE campaigns DROP COLUMN ${column}`);
  }
}
