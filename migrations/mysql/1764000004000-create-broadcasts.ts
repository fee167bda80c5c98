import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateBroadcasts1764000004000 implements MigrationInterface {
  name = 'CreateBroadcasts1764000004000';

  async up(q: QueryRunner): Promise<void> {
    // One row per Page; pace_slot_ms is the shared send-slot line every worker process reserves from.
    await q.query(`CREATE TABLE page_broadcast_settings (
      page_id VARCHAR(64) NOT NULL PRIMARY KEY,
      period_hours INT NOT NULL DEFAULT 24,
      rate_per_second INT NOT NULL DEFAULT 100,
      concurrency INT NOT NULL DEFAULT 16,
      pace_slot_ms BIGINT NOT NULL DEFAULT 0,
      updated_at DATETIME(3) NOT NULL,
      CONSTRAINT fk_page_broadcast_settings_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ix_campaigns_due: the scheduler tick's "scheduled and due" and the workers' "running" scans.
    // ix_campaigns_meta: a marketing-message webhook names Meta's campaign id.
    // No foreign key to topics: removing a topic is the Topics module's call, and a campaign keeps its history.
    await q.query(`CREATE TABLE campaigns (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL,
      topic_id VARCHAR(36) NOT NULL,
      name VARCHAR(200) NOT NULL,
      content TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      on_already_messaged VARCHAR(8) NOT NULL,
      budget_type VARCHAR(8) NULL,
      budget_amount INT NULL,
      schedule_type VARCHAR(16) NULL,
      scheduled_at DATETIME(3) NULL,
      local_date CHAR(10) NULL,
      local_time CHAR(5) NULL,
      fallback_timezone VARCHAR(64) NULL,
      meta_campaign_id VARCHAR(64) NULL,
      meta_created_at DATETIME(3) NULL,
      estimate TEXT NULL,
      price_per_message INT NOT NULL DEFAULT 0,
      currency CHAR(3) NOT NULL,
      audience_size INT NULL,
      fanout_cursor VARCHAR(36) NULL,
      fanout_done TINYINT(1) NOT NULL DEFAULT 0,
      fanout_lease_until DATETIME(3) NULL,
      sent_count INT NOT NULL DEFAULT 0,
      spend INT NOT NULL DEFAULT 0,
      pause_reason VARCHAR(64) NULL,
      pause_message VARCHAR(1000) NULL,
      resume_at DATETIME(3) NULL,
      hold_until DATETIME(3) NULL,
      started_at DATETIME(3) NULL,
      finished_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_campaigns_page (page_id, created_at),
      KEY ix_campaigns_due (status, scheduled_at),
      KEY ix_campaigns_meta (meta_campaign_id),
      CONSTRAINT fk_campaigns_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ux_deliveries_recipient: one delivery per campaign and subscription, so a repeated fan-out batch
    // (INSERT IGNORE) adds nobody twice. ix_deliveries_due is the covering index of the workers'
    // polling query (campaign, status = 'pending', send_after <= now ORDER BY send_after, id).
    // ix_deliveries_lease serves the sweep of expired leases; ix_deliveries_tracking the webhooks.
    await q.query(`CREATE TABLE campaign_deliveries (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      campaign_id VARCHAR(36) NOT NULL,
      subscription_id VARCHAR(36) NOT NULL,
      status VARCHAR(16) NOT NULL,
      send_after DATETIME(3) NOT NULL,
      attempts INT NOT NULL DEFAULT 0,
      lease_owner VARCHAR(64) NULL,
      lease_until DATETIME(3) NULL,
      period_start DATETIME(3) NULL,
      tracking_id VARCHAR(64) NULL,
      reason VARCHAR(64) NULL,
      error_code INT NULL,
      error_message VARCHAR(1000) NULL,
      sent_at DATETIME(3) NULL,
      delivered_at DATETIME(3) NULL,
      read_at DATETIME(3) NULL,
      clicked_at DATETIME(3) NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_deliveries_recipient (campaign_id, subscription_id),
      KEY ix_deliveries_due (campaign_id, status, send_after, id),
      KEY ix_deliveries_lease (status, lease_until),
      KEY ix_deliveries_tracking (tracking_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // The primary key (subscription_id, period_start) is the "at most one marketing message per
    // subscriber per period, across all campaigns" rule: the row is inserted before the send, and a
    // duplicate key means the subscriber was already messaged in this period.
    // subscriber_key is the person (page + PSID), or the subscription when Meta gave no PSID: someone
    // subscribed to two topics still gets one marketing message per period.
    await q.query(`CREATE TABLE daily_sends (
      subscriber_key VARCHAR(140) NOT NULL,
      period_start DATETIME(3) NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      delivery_id BIGINT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (subscriber_key, period_start)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE daily_sends');
    await q.query('DROP TABLE campaign_deliveries');
    await q.query('DROP TABLE campaigns');
    await q.query('DROP TABLE page_broadcast_settings');
  }
}
