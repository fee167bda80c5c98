import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSequencesAndPosNotifications1764000003000 implements MigrationInterface {
  name = 'CreateSequencesAndPosNotifications1764000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sequences (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      name VARCHAR(200) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_sequences_page (page_id, created_at),
      CONSTRAINT fk_sequences_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ux_sequence_steps_position: one step per place in the sequence.
    // topic_id has no foreign key: TopicsService may delete a topic nobody was asked about, and a step
    // naming a topic that is gone fails at send time with "Topic not found".
    await q.query(`CREATE TABLE sequence_steps (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      sequence_id VARCHAR(36) NOT NULL,
      position INT NOT NULL,
      type VARCHAR(24) NOT NULL,
      delay_seconds INT NOT NULL,
      on_forbidden VARCHAR(8) NOT NULL,
      topic_id VARCHAR(36) NULL,
      content TEXT NOT NULL,
      UNIQUE KEY ux_sequence_steps_position (sequence_id, position),
      CONSTRAINT fk_sequence_steps_sequence FOREIGN KEY (sequence_id) REFERENCES sequences (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // A run keeps its own rendered copy of the steps, so it has no key on sequences: editing or deleting
    // the sequence does not touch runs under way.
    await q.query(`CREATE TABLE sequence_runs (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      sequence_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      source VARCHAR(16) NOT NULL,
      status VARCHAR(16) NOT NULL,
      end_reason VARCHAR(200) NULL,
      created_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NULL,
      KEY ix_sequence_runs_sequence (sequence_id, created_at),
      CONSTRAINT fk_sequence_runs_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ux_run_steps_position: one row per step of a run (and the lookup of "the next step").
    // ix_run_steps_due: the workers' polling query (status = 'pending' AND due_at <= now ORDER BY due_at)
    // and the lease sweep (status = 'sending'); the primary key rides along in the secondary index.
    await q.query(`CREATE TABLE run_steps (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      run_id VARCHAR(36) NOT NULL,
      position INT NOT NULL,
      type VARCHAR(24) NOT NULL,
      delay_seconds INT NOT NULL,
      on_forbidden VARCHAR(8) NOT NULL,
      topic_id VARCHAR(36) NULL,
      content TEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      due_at DATETIME(3) NULL,
      attempts INT NOT NULL DEFAULT 0,
      lease_owner VARCHAR(64) NULL,
      lease_until DATETIME(3) NULL,
      message_id VARCHAR(128) NULL,
      skip_rule VARCHAR(64) NULL,
      last_error VARCHAR(1000) NULL,
      finished_at DATETIME(3) NULL,
      UNIQUE KEY ux_run_steps_position (run_id, position),
      KEY ix_run_steps_due (status, due_at),
      KEY ix_run_steps_lease (lease_owner),
      CONSTRAINT fk_run_steps_run FOREIGN KEY (run_id) REFERENCES sequence_runs (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // ix_notification_rules_match: an order event finds the active rules of its Page and status.
    // fk_notification_rules_sequence (RESTRICT): a sequence a rule uses cannot be deleted (409 sequence_in_use).
    await q.query(`CREATE TABLE notification_rules (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL,
      topic_id VARCHAR(36) NOT NULL,
      sequence_id VARCHAR(36) NOT NULL,
      order_status VARCHAR(16) NOT NULL,
      active TINYINT(1) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_notification_rules_match (page_id, order_status, active),
      KEY ix_notification_rules_shop (shop_id, created_at),
      CONSTRAINT fk_notification_rules_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE,
      CONSTRAINT fk_notification_rules_sequence FOREIGN KEY (sequence_id) REFERENCES sequences (id) ON DELETE RESTRICT
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // The outbox of order events, one row per (rule, order, status), written in the same transaction as
    // the run it started. ux_order_events_once is the exactly-once guarantee: a POS retry, or an order
    // set back and forth to the same status, hits it and is "already done" (nothing else is written).
    // ix_order_events_run: statistics join a rule's events to their runs' steps.
    await q.query(`CREATE TABLE order_events (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      rule_id VARCHAR(36) NOT NULL,
      page_id VARCHAR(64) NOT NULL,
      order_id VARCHAR(64) NOT NULL,
      order_status VARCHAR(16) NOT NULL,
      previous_status VARCHAR(16) NULL,
      psid VARCHAR(64) NOT NULL,
      occurred_at DATETIME(3) NOT NULL,
      received_at DATETIME(3) NOT NULL,
      outcome VARCHAR(16) NOT NULL,
      skip_reason VARCHAR(64) NULL,
      skip_detail VARCHAR(64) NULL,
      run_id VARCHAR(36) NULL,
      UNIQUE KEY ux_order_events_once (rule_id, order_id, order_status),
      KEY ix_order_events_rule (rule_id, received_at),
      KEY ix_order_events_run (run_id),
      CONSTRAINT fk_order_events_rule FOREIGN KEY (rule_id) REFERENCES notification_rules (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // Per-rule statistics count the subscriptions that answered a rule's opt-in requests.
    await q.query('CREATE INDEX ix_subscriptions_optin_request ON subscriptions (optin_request_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX ix_subscriptions_optin_request ON subscriptions');
    await q.query('DROP TABLE order_events');
    await q.query('DROP TABLE notification_rules');
    await q.query('DROP TABLE run_steps');
    await q.query('DROP TABLE sequence_runs');
    await q.query('DROP TABLE sequence_steps');
    await q.query('DROP TABLE sequences');
  }
}
