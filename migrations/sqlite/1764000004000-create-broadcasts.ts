import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBroadcasts1764000004000 implements MigrationInterface {
  name = 'CreateBroadcasts1764000004000';

  async up(q: QueryRunner): Promise<void> {
    // One row per Page; pace_slot_ms is the shared send-slot line every worker reserves from.
    await q.query(`CREATE TABLE page_broadcast_settings (
      page_id VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES pages (id) ON DELETE CASCADE,
      period_hours INTEGER NOT NULL DEFAULT 24,
      rate_per_second INTEGER NOT NULL DEFAULT 100,
      concurrency INTEGER NOT NULL DEFAULT 16,
      pace_slot_ms BIGINT NOT NULL DEFAULT 0,
      updated_at DATETIME NOT NULL
    )`);
    // No foreign key to topics: removing a topic is the Topics module's call, and a campaign keeps its history.
    await q.query(`CREATE TABLE campaigns (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      topic_id VARCHAR(36) NOT NULL,
      name VARCHAR(200) NOT NULL,
      content TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      on_already_messaged VARCHAR(8) NOT NULL,
      budget_type VARCHAR(8) NULL,
      budget_amount INTEGER NULL,
      schedule_type VARCHAR(16) NULL,
      scheduled_at DATETIME NULL,
      local_date CHAR(10) NULL,
      local_time CHAR(5) NULL,
      fallback_timezone VARCHAR(64) NULL,
      meta_campaign_id VARCHAR(64) NULL,
      meta_created_at DATETIME NULL,
      estimate TEXT NULL,
      price_per_message INTEGER NOT NULL DEFAULT 0,
      currency CHAR(3) NOT NULL,
      audience_size INTEGER NULL,
      fanout_cursor VARCHAR(36) NULL,
      fanout_done BOOLEAN NOT NULL DEFAULT 0,
      fanout_lease_until DATETIME NULL,
      sent_count INTEGER NOT NULL DEFAULT 0,
      spend INTEGER NOT NULL DEFAULT 0,
      pause_reason VARCHAR(64) NULL,
      pause_message VARCHAR(1000) NULL,
      resume_at DATETIME NULL,
      hold_until DATETIME NULL,
      started_at DATETIME NULL,
      finished_at DATETIME NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_campaigns_page ON campaigns (page_id, created_at)');
    // The scheduler tick's "scheduled and due" and the workers' "running" scans.
    await q.query('CREATE INDEX ix_campaigns_due ON campaigns (status, scheduled_at)');
    // A marketing-message webhook names Meta's campaign id.
    await q.query('CREATE INDEX ix_campaigns_meta ON campaigns (meta_campaign_id)');
    await q.query(`CREATE TABLE campaign_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id VARCHAR(36) NOT NULL,
      subscription_id VARCHAR(36) NOT NULL,
      status VARCHAR(16) NOT NULL,
      send_after DATETIME NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      lease_owner VARCHAR(64) NULL,
      lease_until DATETIME NULL,
      period_start DATETIME NULL,
      tracking_id VARCHAR(64) NULL,
      reason VARCHAR(64) NULL,
      error_code INTEGER NULL,
      error_message VARCHAR(1000) NULL,
      sent_at DATETIME NULL,
      delivered_at DATETIME NULL,
      read_at DATETIME NULL,
      clicked_at DATETIME NULL,
      updated_at DATETIME NOT NULL
    )`);
    // One delivery per campaign and subscription: a repeated fan-out batch (INSERT OR IGNORE) adds nobody twice.
    await q.query('CREATE UNIQUE INDEX ux_deliveries_recipient ON campaign_deliveries (campaign_id, subscription_id)');
    // Covering index of the workers' polling query.
    await q.query('CREATE INDEX ix_deliveries_due ON campaign_deliveries (campaign_id, status, send_after, id)');
    await q.query('CREATE INDEX ix_deliveries_lease ON campaign_deliveries (status, lease_until)');
    await q.query('CREATE INDEX ix_deliveries_tracking ON campaign_deliveries (tracking_id)');
    // The primary key is the "one marketing message per subscriber per period, across all campaigns"
    // rule: inserted before the send; a duplicate key means already messaged in this period.
    // subscriber_key is the person (page + PSID), or the subscription when Meta gave no PSID: someone
    // subscribed to two topics still gets one marketing message per period.
    await q.query(`CREATE TABLE daily_sends (
      subscriber_key VARCHAR(140) NOT NULL,
      period_start DATETIME NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      delivery_id INTEGER NOT NULL,
      created_at DATETIME NOT NULL,
      PRIMARY KEY (subscriber_key, period_start)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE daily_sends');
    await q.query('DROP TABLE campaign_deliveries');
    await q.query('DROP TABLE campaigns');
    await q.query('DROP TABLE page_broadcast_settings');
  }
}
