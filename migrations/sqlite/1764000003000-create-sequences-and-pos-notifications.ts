import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSequencesAndPosNotifications1764000003000 implements MigrationInterface {
  name = 'CreateSequencesAndPosNotifications1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sequences (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      name VARCHAR(200) NOT NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_sequences_page ON sequences (page_id, created_at)');
    // ux_sequence_steps_position: one step per place in the sequence.
    // topic_id has no foreign key: TopicsService may delete a topic nobody was asked about, and a step
    // naming a topic that is gone fails at send time with "Topic not found".
    await q.query(`CREATE TABLE sequence_steps (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      sequence_id VARCHAR(36) NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      type VARCHAR(24) NOT NULL,
      delay_seconds INTEGER NOT NULL,
      on_forbidden VARCHAR(8) NOT NULL,
      topic_id VARCHAR(36) NULL,
      content TEXT NOT NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_sequence_steps_position ON sequence_steps (sequence_id, position)');
    // A run keeps its own rendered copy of the steps, so it has no key on sequences: editing or deleting
    // the sequence does not touch runs under way.
    await q.query(`CREATE TABLE sequence_runs (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      sequence_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      psid VARCHAR(64) NOT NULL,
      source VARCHAR(16) NOT NULL,
      status VARCHAR(16) NOT NULL,
      end_reason VARCHAR(200) NULL,
      created_at DATETIME NOT NULL,
      finished_at DATETIME NULL
    )`);
    await q.query('CREATE INDEX ix_sequence_runs_sequence ON sequence_runs (sequence_id, created_at)');
    // ux_run_steps_position: one row per step of a run (and the lookup of "the next step").
    // ix_run_steps_due: the worker's polling query (status = 'pending' AND due_at <= now ORDER BY due_at)
    // and the lease sweep (status = 'sending').
    await q.query(`CREATE TABLE run_steps (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      run_id VARCHAR(36) NOT NULL REFERENCES sequence_runs (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      type VARCHAR(24) NOT NULL,
      delay_seconds INTEGER NOT NULL,
      on_forbidden VARCHAR(8) NOT NULL,
      topic_id VARCHAR(36) NULL,
      content TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      due_at DATETIME NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      lease_owner VARCHAR(64) NULL,
      lease_until DATETIME NULL,
      message_id VARCHAR(128) NULL,
      skip_rule VARCHAR(64) NULL,
      last_error VARCHAR(1000) NULL,
      finished_at DATETIME NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_run_steps_position ON run_steps (run_id, position)');
    await q.query('CREATE INDEX ix_run_steps_due ON run_steps (status, due_at)');
    await q.query('CREATE INDEX ix_run_steps_lease ON run_steps (lease_owner)');
    // ix_notification_rules_match: an order event finds the active rules of its Page and status.
    // The RESTRICT key on sequence_id: a sequence a rule uses cannot be deleted (409 sequence_in_use).
    await q.query(`CREATE TABLE notification_rules (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      topic_id VARCHAR(36) NOT NULL,
      sequence_id VARCHAR(36) NOT NULL REFERENCES sequences (id) ON DELETE RESTRICT,
      order_status VARCHAR(16) NOT NULL,
      active BOOLEAN NOT NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_notification_rules_match ON notification_rules (page_id, order_status, active)');
    await q.query('CREATE INDEX ix_notification_rules_shop ON notification_rules (shop_id, created_at)');
    // The outbox of order events, one row per (rule, order, status), written in the same transaction as
    // the run it started. ux_order_events_once is the exactly-once guarantee: a POS retry, or an order
    // set back and forth to the same status, hits it and is "already done" (nothing else is written).
    await q.query(`CREATE TABLE order_events (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      rule_id VARCHAR(36) NOT NULL REFERENCES notification_rules (id) ON DELETE CASCADE,
      page_id VARCHAR(64) NOT NULL,
      order_id VARCHAR(64) NOT NULL,
      order_status VARCHAR(16) NOT NULL,
      previous_status VARCHAR(16) NULL,
      psid VARCHAR(64) NOT NULL,
      occurred_at DATETIME NOT NULL,
      received_at DATETIME NOT NULL,
      outcome VARCHAR(16) NOT NULL,
      skip_reason VARCHAR(64) NULL,
      skip_detail VARCHAR(64) NULL,
      run_id VARCHAR(36) NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_order_events_once ON order_events (rule_id, order_id, order_status)');
    await q.query('CREATE INDEX ix_order_events_rule ON order_events (rule_id, received_at)');
    await q.query('CREATE INDEX ix_order_events_run ON order_events (run_id)');
    // Per-rule statistics count the subscriptions that answered a rule's opt-in requests.
    await q.query('CREATE INDEX ix_subscriptions_optin_request ON subscriptions (optin_request_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_optin_request');
    await q.query('DROP TABLE order_events');
    await q.query('DROP TABLE notification_rules');
    await q.query('DROP TABLE run_steps');
    await q.query('DROP TABLE sequence_runs');
    await q.query('DROP TABLE sequence_steps');
    await q.query('DROP TABLE sequences');
  }
}
