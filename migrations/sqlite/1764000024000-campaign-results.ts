import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Campaign results (issue 15): link tracking, attribution, opt-out auto-pause, A/B tests. New tables only,
 * plus each delivery's A/B variant and an index to find a person's deliveries (attribution, opt-outs).
 */
export class CampaignResults1764000024000 implements MigrationInterface {
  name = 'CampaignResults1764000024000';

  async up(q: QueryRunner): Promise<void> {
    // The shop's defaults; a campaign's own settings (campaign_results_settings) override them column by column.
    await q.query(`CREATE TABLE results_settings (
      shop_id VARCHAR(36) NOT NULL PRIMARY KEY,
      delivered_window_hours INT NOT NULL,
      click_window_hours INT NOT NULL,
      opt_out_threshold_bp INT NOT NULL,
      opt_out_min_sent INT NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    // One row per campaign, made when first needed: link_secret signs its redirect codes; NULL settings = the shop's;
    // opt_out_paused_at: the campaign paused itself for its opt-out rate (once: a resume accepts the rate).
    await q.query(`CREATE TABLE campaign_results_settings (
      campaign_id VARCHAR(36) NOT NULL PRIMARY KEY,
      link_secret VARCHAR(64) NOT NULL,
      utm TEXT NULL,
      delivered_window_hours INT NULL,
      click_window_hours INT NULL,
      opt_out_threshold_bp INT NULL,
      opt_out_min_sent INT NULL,
      opt_out_paused_at DATETIME NULL,
      updated_at DATETIME NOT NULL
    )`);
    // Primary key (delivery, link): one row per person and link, however often it is clicked.
    await q.query(`CREATE TABLE campaign_link_clicks (
      delivery_id INTEGER NOT NULL,
      link_index INT NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      first_clicked_at DATETIME NOT NULL,
      last_clicked_at DATETIME NOT NULL,
      clicks INT NOT NULL,
      PRIMARY KEY (delivery_id, link_index)
    )`);
    await q.query('CREATE INDEX ix_link_clicks_campaign ON campaign_link_clicks (campaign_id, link_index)');
    // Primary key (page, order): one campaign per order, ever; occurrence_id is for recurring campaigns.
    await q.query(`CREATE TABLE campaign_attributions (
      page_id VARCHAR(64) NOT NULL,
      order_id VARCHAR(64) NOT NULL,
      campaign_id VARCHAR(36) NOT NULL,
      occurrence_id VARCHAR(36) NULL,
      delivery_id INTEGER NOT NULL,
      psid VARCHAR(64) NOT NULL,
      touch VARCHAR(8) NOT NULL,
      touch_at DATETIME NOT NULL,
      order_at DATETIME NOT NULL,
      order_status VARCHAR(16) NOT NULL,
      amount INTEGER NULL,
      currency CHAR(3) NULL,
      attributed_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL,
      PRIMARY KEY (page_id, order_id)
    )`);
    await q.query('CREATE INDEX ix_attributions_campaign ON campaign_attributions (campaign_id, order_at)');
    await q.query(`CREATE TABLE campaign_ab_tests (
      campaign_id VARCHAR(36) NOT NULL PRIMARY KEY,
      variants TEXT NOT NULL,
      metric VARCHAR(16) NOT NULL,
      test_share_percent INT NOT NULL,
      test_duration_minutes INT NOT NULL,
      split_at DATETIME NULL,
      decide_after DATETIME NULL,
      winner_variant INT NULL,
      decided_at DATETIME NULL,
      decision TEXT NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_ab_tests_due ON campaign_ab_tests (decided_at, decide_after)');
    // 0 = the campaign's own content (variant A), 1 and 2 = campaign_ab_tests.variants; NULL without a test.
    await q.query('ALTER TABLE campaign_deliveries ADD COLUMN variant INT NULL');
    await q.query('CREATE INDEX ix_deliveries_subscription ON campaign_deliveries (subscription_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_deliveries_subscription');
    await q.query('ALTER TABLE campaign_deliveries DROP COLUMN variant');
    await q.query('DROP TABLE campaign_ab_tests');
    await q.query('DROP TABLE campaign_attributions');
    await q.query('DROP TABLE campaign_link_clicks');
    await q.query('DROP TABLE campaign_results_settings');
    await q.query('DROP TABLE results_settings');
  }
}
