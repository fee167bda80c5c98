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
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      name VARCHAR(200) NOT NULL,
      ref VARCHAR(200) NULL,
      current_version INTEGER NOT NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_flows_page ON flows (page_id, created_at)');
    await q.query('CREATE UNIQUE INDEX ux_flows_ref ON flows (page_id, ref)');
    // Versions are never changed once written: a tap on an old version's button reads the graph it was sent from.
    await q.query(`CREATE TABLE flow_versions (
      flow_id VARCHAR(36) NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      graph TEXT NOT NULL,
      created_at DATETIME NOT NULL,
      PRIMARY KEY (flow_id, version)
    )`);
    // RESTRICT on the answer: a flow or sequence a keyword answers with cannot be deleted under it.
    await q.query(`CREATE TABLE keyword_rules (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      page_id VARCHAR(64) NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
      name VARCHAR(200) NOT NULL,
      phrases TEXT NOT NULL,
      match_mode VARCHAR(16) NOT NULL,
      flow_id VARCHAR(36) NULL REFERENCES flows (id) ON DELETE RESTRICT,
      sequence_id VARCHAR(36) NULL REFERENCES sequences (id) ON DELETE RESTRICT,
      priority INTEGER NOT NULL,
      active BOOLEAN NOT NULL,
      is_default BOOLEAN NOT NULL,
      cooldown_seconds INTEGER NOT NULL,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_keyword_rules_page ON keyword_rules (page_id, active)');
    // One row per (rule, customer): the cooldown is claimed with an INSERT OR IGNORE or a conditional
    // UPDATE … WHERE until <= now, so two processes answering two messages of one burst cannot both win.
    await q.query(`CREATE TABLE keyword_cooldowns (
      rule_id VARCHAR(36) NOT NULL REFERENCES keyword_rules (id) ON DELETE CASCADE,
      psid VARCHAR(64) NOT NULL,
      until DATETIME NOT NULL,
      PRIMARY KEY (rule_id, psid)
    )`);
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
      answered_at DATETIME NOT NULL,
      PRIMARY KEY (page_id, message_key)
    )`);
    await q.query('CREATE INDEX ix_message_answers_rule ON message_answers (rule_id, outcome)');
    await q.query('ALTER TABLE sequence_runs ADD COLUMN flow_version INTEGER NULL');
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
