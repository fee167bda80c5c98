import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keyword rules and versioned flows (issue 13). Flow runs are rows of the existing run machinery:
 * `sequence_runs.flow_version` set means the run follows that version of the flow whose id is in
 * `sequence_id`, and each of its `run_steps` names the flow node it sends (`node_id`).
 */
export class CreateKeywordsAndFlows1764000021000 implements MigrationInterface {
  name = 'CreateKeywordsAndFlows1764000021000';

  async up(q: QueryRunner): Promise<void> {
    // ux_flows_ref: an m.me / ad `ref` names at most one flow of a Page (NULLs are many).
    await q.query(`CREATE TABLE flows (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      name VARCHAR(200) NOT NULL,
      ref VARCHAR(200) NULL,
      current_version INT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_flows_page (page_id, created_at),
      UNIQUE KEY ux_flows_ref (page_id, ref),
      CONSTRAINT fk_flows_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // Versions are never changed once written: a tap on an old version's button reads the graph it was sent from.
    await q.query(`CREATE TABLE flow_versions (
      flow_id VARCHAR(36) NOT NULL,
      version INT NOT NULL,
      graph MEDIUMTEXT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      PRIMARY KEY (flow_id, version),
      CONSTRAINT fk_flow_versions_flow FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // RESTRICT on the answer: a flow or sequence a keyword answers with cannot be deleted under it.
    await q.query(`CREATE TABLE keyword_rules (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL,
      name VARCHAR(200) NOT NULL,
      phrases TEXT NOT NULL,
      match_mode VARCHAR(16) NOT NULL,
      flow_id VARCHAR(36) NULL,
      sequence_id VARCHAR(36) NULL,
      priority INT NOT NULL,
      active BOOLEAN NOT NULL,
      is_default BOOLEAN NOT NULL,
      cooldown_seconds INT NOT NULL,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_keyword_rules_page (page_id, active),
      CONSTRAINT fk_keyword_rules_page FOREIGN KEY (page_id) REFERENCES pages (id) ON DELETE CASCADE,
      CONSTRAINT fk_keyword_rules_flow FOREIGN KEY (flow_id) REFERENCES flows (id) ON DELETE RESTRICT,
      CONSTRAINT fk_keyword_rules_sequence FOREIGN KEY (sequence_id) REFERENCES sequences (id) ON DELETE RESTRICT
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // One row per (rule, customer): the cooldown is claimed with an INSERT IGNORE or a conditional
    // UPDATE … WHERE until <= now, so two processes answering two messages of one burst cannot both win.
    await q.query(`CREATE TABLE keyword_cooldowns (
      rule_id VARCHAR(36) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      until DATETIME(3) NOT NULL,
      PRIMARY KEY (rule_id, psid),
      CONSTRAINT fk_keyword_cooldowns_rule FOREIGN KEY (rule_id) REFERENCES keyword_rules (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    // The primary key (page, message) is "one answer per incoming message": a redelivered or replayed
    // message finds its row and answers nothing more. outcome: answered | cooldown | no_match.
    await q.query(`CREATE TABLE message_answers (
      page_id VARCHAR(64) NOT NULL,
      message_key VARCHAR(255) NOT NULL,
      psid VARCHAR(64) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      rule_id VARCHAR(36) NULL,
      flow_id VARCHAR(36) NULL,
      run_id VARCHAR(36) NULL,
      outcome VARCHAR(16) NOT NULL,
      answered_at DATETIME(3) NOT NULL,
      PRIMARY KEY (page_id, message_key),
      KEY ix_message_answers_rule (rule_id, outcome)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query('ALTER TABLE sequence_runs ADD COLUMN flow_version INT NULL');
    await q.query('ALTER TABLE run_steps ADD COLUMN node_id VARCHAR(64) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE run_steps DROP COLUMN node_id');
    await q.query('ALTER TABLE sequence_runs DROP COLUMN flow_version');
    await q.query('DROP TABLE message_answers');
    await q.query('DROP TABLE keyword_cooldowns');
    await q.query('DROP TABLE keyword_rules');
    await q.query('DROP TABLE flow_versions');
    await q.query('DROP TABLE flows');
  }
}
