import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery row (and a sequence's run step) records when its own send started (attempted_at, set right before its Graph call), apart
 * from its claim: after a worker dies, rows it claimed but never attempted go back to pending, and only
 * rows whose call had started become uncertain. Existing rows keep NULL (none is in flight at upgrade).
 */
export class DeliveryAttemptedAt1764000016000 implements MigrationInterface {
  name = 'DeliveryAttemptedAt1764000016000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_deliveries ADD COLUMN attempted_at DATETIME(3) NULL');
    await q.query('ALTER TABLE run_steps ADD COLUMN attempted_at DATETIME(3) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE run_steps DROP COLUMN attempted_at');
    await q.query('ALTER TABLE campaign_deliveries DROP COLUMN attempted_at');
  }
}
