import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTopicsAndOptins1764000002000 implements MigrationInterface {
  name = 'CreateTopicsAndOptins1764000002000';

  async up(q: QueryRunner): Promise<void> {
    // ux_topics_active_title: titles unique among a Page's active topics (active_title is NULL otherwise).
    // ux_topics_payload: the opt-in webhook's payload names exactly one topic of the Page.
    await q.query(`CREATE TABLE topics (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      title VARCHAR(65) NOT NULL,
      image_url VARCHAR(1000) NULL,
      image_aspect_ratio VARCHAR(16) NULL,
      payload VARCHAR(255) NOT NULL,
      cta_text VARCHAR(16) NULL,
      active TINYINT(1) NOT NULL,
      archived_at DATETIME(3) NULL,
      active_title VARCHAR(65) NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_topics_payload (page_id, payload),
      UNIQUE KEY ux_topics_active_title (page_id, active_title),
      CONSTRAINT fk_topics_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE optin_requests (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      topic_id VARCHAR(36) NOT NULL,
      title VARCHAR(65) NOT NULL,
      image_url VARCHAR(1000) NULL,
      status VARCHAR(16) NOT NULL,
      source VARCHAR(16) NOT NULL,
      source_ref VARCHAR(64) NULL,
      message_id VARCHAR(128) NULL,
      error_kind VARCHAR(64) NULL,
      created_at DATETIME(3) NOT NULL,
      sent_at DATETIME(3) NULL,
      KEY ix_optin_requests_person (page_id, psid, created_at),
      KEY ix_optin_requests_source (source_ref),
      CONSTRAINT fk_optin_requests_topic FOREIGN KEY (topic_id) REFERENCES topics (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ux_subscriptions_person_topic: one row per person and topic (a re-opt-in replaces the token).
    // ux_subscriptions_token: a token belongs to one row; webhooks and send errors find it by hash.
    // ix_subscriptions_topic_status: keyset walks of a topic's subscribers (API pages, broadcast fan-out).
    await q.query(`CREATE TABLE subscriptions (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NULL,
      topic_id VARCHAR(36) NOT NULL,
      token_enc TEXT NOT NULL,
      token_hash CHAR(64) NOT NULL,
      status VARCHAR(16) NOT NULL,
      timezone VARCHAR(64) NULL,
      user_token_status VARCHAR(16) NULL,
      frequency VARCHAR(16) NULL,
      token_expires_at DATETIME(3) NULL,
      source VARCHAR(16) NOT NULL,
      optin_request_id VARCHAR(36) NULL,
      opted_in_at DATETIME(3) NOT NULL,
      status_changed_at DATETIME(3) NOT NULL,
      last_listed_at DATETIME(3) NULL,
      updated_at DATETIME(3) NOT NULL,
      UNIQUE KEY ux_subscriptions_person_topic (page_id, psid, topic_id),
      UNIQUE KEY ux_subscriptions_token (token_hash),
      KEY ix_subscriptions_topic_status (topic_id, status, id),
      CONSTRAINT fk_subscriptions_topic FOREIGN KEY (topic_id) REFERENCES topics (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // Primary key (page_id, run_date): the one process that inserts it runs that Page's nightly reconcile.
    await q.query(`CREATE TABLE reconcile_runs (
      page_id VARCHAR(64) NOT NULL,
      run_date CHAR(10) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      PRIMARY KEY (page_id, run_date)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reconcile_runs');
    await q.query('DROP TABLE subscriptions');
    await q.query('DROP TABLE optin_requests');
    await q.query('DROP TABLE topics');
  }
}
