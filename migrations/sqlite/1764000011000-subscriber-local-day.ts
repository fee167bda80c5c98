import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "One marketing message per subscriber per period" counts the subscriber's own local days:
 * - pages.timezone: the Page's IANA zone, for subscribers whose opt-in reported none (or an unknown
 *   one). Default Asia/Manila; Pages billed in VND get Asia/Ho_Chi_Minh.
 * - daily_sends is keyed (subscriber_key, local_day) instead of a UTC period start: a message takes
 *   one row per local day of its period, so the primary key refuses a second message on any of them.
 *   Existing rows keep the UTC date of their period as their day (within a day of the local one;
 *   Meta's 12 hours are checked from the deliveries' send times, so nothing is sent too early).
 * - campaign_deliveries.local_day (the subscriber's day the message counted for) replaces period_start.
 * - period_hours becomes a whole number of days (rounded up: never more messages than asked for).
 */
export class SubscriberLocalDay1764000011000 implements MigrationInterface {
  name = 'SubscriberLocalDay1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE pages ADD COLUMN timezone VARCHAR(64) NOT NULL DEFAULT 'Asia/Manila'`);
    await q.query(`UPDATE pages SET timezone = 'Asia/Ho_Chi_Minh' WHERE currency = 'VND'`);
    await q.query('UPDATE page_broadcast_settings SET period_hours = ((period_hours + 23) / 24) * 24');
    // Primary key (subscriber_key, local_day): at most one message takes a subscriber's local day,
    // across campaigns and topics; the row is inserted before the send.
    await q.query(`CREATE TABLE daily_sends_local (
      subscriber_key VARCHAR(140) NOT NULL,
      local_day CHAR(10) NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      delivery_id INTEGER NOT NULL,
      created_at DATETIME NOT NULL,
      PRIMARY KEY (subscriber_key, local_day)
    )`);
    await q.query(`INSERT INTO daily_sends_local (subscriber_key, local_day, campaign_id, delivery_id, created_at)
      SELECT subscriber_key, substr(period_start, 1, 10), campaign_id, delivery_id, created_at FROM daily_sends`);
    await q.query('DROP TABLE daily_sends');
    await q.query('ALTER TABLE daily_sends_local RENAME TO daily_sends');
    await q.query('ALTER TABLE campaign_deliveries DROP COLUMN period_start');
    await q.query('ALTER TABLE campaign_deliveries ADD COLUMN local_day CHAR(10) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaign_deliveries DROP COLUMN local_day');
    await q.query('ALTER TABLE campaign_deliveries ADD COLUMN period_start DATETIME NULL');
    await q.query(`CREATE TABLE daily_sends_utc (
      subscriber_key VARCHAR(140) NOT NULL,
      period_start DATETIME NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      delivery_id INTEGER NOT NULL,
      created_at DATETIME NOT NULL,
      PRIMARY KEY (subscriber_key, period_start)
    )`);
    await q.query(`INSERT OR IGNORE INTO daily_sends_utc (subscriber_key, period_start, campaign_id, delivery_id, created_at)
      SELECT subscriber_key, local_day || ' 00:00:00.000', campaign_id, delivery_id, created_at FROM daily_sends`);
    await q.query('DROP TABLE daily_sends');
    await q.query('ALTER TABLE daily_sends_utc RENAME TO daily_sends');
    await q.query('ALTER TABLE pages DROP COLUMN timezone');
  }
}
