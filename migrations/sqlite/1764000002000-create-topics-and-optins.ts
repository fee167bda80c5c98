import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTopicsAndOptins1764000002000 implements MigrationInterface {
  name = 'CreateTopicsAndOptins1764000002000';

  async up(q: QueryRunner): Promise<void> {
    // ux_topics_active_title: titles unique among a Page's active topics (active_title is NULL otherwise).
    // ux_topics_payload: the opt-in webhook's payload names exactly one topic of the Page.
    await q.query(`CREATE TABLE topics (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      title VARCHAR(65) NOT NULL,
      image_url VARCHAR(1000) NULL,
      image_aspect_ratio VARCHAR(16) NULL,
      payload VARCHAR(255) NOT NULL,
      cta_text VARCHAR(16) NULL,
      active BOOLEAN NOT NULL,
      archived_at DATETIME NULL,
      active_title VARCHAR(65) NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_topics_payload ON topics (page_id, payload)');
    await q.query('CREATE UNIQUE INDEX ux_topics_active_title ON topics (page_id, active_title)');
    await q.query(`CREATE TABLE optin_requests (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      topic_id VARCHAR(36) NOT NULL REFERENCES topics (id),
      title VARCHAR(65) NOT NULL,
      image_url VARCHAR(1000) NULL,
      status VARCHAR(16) NOT NULL,
      source VARCHAR(16) NOT NULL,
      source_ref VARCHAR(64) NULL,
      message_id VARCHAR(128) NULL,
      error_kind VARCHAR(64) NULL,
      created_at DATETIME NOT NULL,
      sent_at DATETIME NULL
    )`);
    await q.query('CREATE INDEX ix_optin_requests_person ON optin_requests (page_id, psid, created_at)');
    await q.query('CREATE INDEX ix_optin_requests_source ON optin_requests (source_ref)');
    // ux_subscriptions_person_topic: one row per person and topic (a re-opt-in replaces the token).
    // ux_subscriptions_token: a token belongs to one row; webhooks and send errors find it by hash.
    // ix_subscriptions_topic_status: keyset walks of a topic's subscribers (API pages, broadcast fan-out).
    await q.query(`CREATE TABLE subscriptions (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NULL,
      topic_id VARCHAR(36) NOT NULL REFERENCES topics (id),
      token_enc TEXT NOT NULL,
      token_hash CHAR(64) NOT NULL,
      status VARCHAR(16) NOT NULL,
      timezone VARCHAR(64) NULL,
      user_token_status VARCHAR(16) NULL,
      frequency VARCHAR(16) NULL,
      token_expires_at DATETIME NULL,
      source VARCHAR(16) NOT NULL,
      optin_request_id VARCHAR(36) NULL,
      opted_in_at DATETIME NOT NULL,
      status_changed_at DATETIME NOT NULL,
      last_listed_at DATETIME NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_subscriptions_person_topic ON subscriptions (page_id, psid, topic_id)');
    await q.query('CREATE UNIQUE INDEX ux_subscriptions_token ON subscriptions (token_hash)');
    await q.query('CREATE INDEX ix_subscriptions_topic_status ON subscriptions (topic_id, status, id)');
    // Primary key (page_id, run_date): the one process that inserts it runs that Page's nightly reconcile.
    await q.query(`CREATE TABLE reconcile_runs (
      page_id VARCHAR(64) NOT NULL,
      run_date CHAR(10) NOT NULL,
      started_at DATETIME NOT NULL,
      PRIMARY KEY (page_id, run_date)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reconcile_runs');
    await q.query('DROP TABLE subscriptions');
    await q.query('DROP TABLE optin_requests');
    await q.query('DROP TABLE topics');
  }
}
