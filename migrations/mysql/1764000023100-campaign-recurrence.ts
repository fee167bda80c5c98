import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recurring campaigns: a series (a campaign with an RFC 5545 rule, a time of day and how it is read) and
 * its occurrences (campaigns of their own, each pointing at the series with its date). The unique
 * (parent_campaign_id, occurrence_date) key makes each occurrence exist once, whichever process makes it.
 */
export class CampaignRecurrence1764000023100 implements MigrationInterface {
  name = 'CampaignRecurrence1764000023100';

  async up(q: QueryRunner): Promise<void> {
    for (const column of [
      'recurrence_rule VARCHAR(500) NULL',
      'recurrence_time VARCHAR(5) NULL',
      'recurrence_mode VARCHAR(8) NULL',
      'recurrence_from VARCHAR(10) NULL',
      'parent_campaign_id VARCHAR(36) NULL',
      'occurrence_date VARCHAR(10) NULL',
    ])
      await q.query(`ALTER TABLE campaigns ADD COLUMN ${column}`);
    await q.query('CREATE UNIQUE INDEX ux_campaigns_occurrence ON campaigns (parent_campaign_id, occurrence_date)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ux_campaigns_occurrence ON campaigns');
    for (const column of [
      'occurrence_date',
      'parent_campaign_id',
      'recurrence_from',
      'recurrence_mode',
      'recurrence_time',
      'recurrence_rule',
    ])
      await q.query(`ALTER TABLE campaigns DROP COLUMN ${column}`);
  }
}
