import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * campaign_attributions.occurrence_id was never written: an attribution names the campaign that sent the
 * message (campaign_id), which for a recurring series is the occurrence itself, and a series' results reach
 * its occurrences through campaigns.parent_campaign_id (README "Campaign results").
 */
export class DropAttributionOccurrenceId1764000027000 implements MigrationInterface {
  name = 'DropAttributionOccurrenceId1764000027000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_attributions DROP COLUMN occurrence_id');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_attributions ADD COLUMN occurrence_id VARCHAR(36) NULL');
  }
}
