import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateShopsAndPages1764000000000 implements MigrationInterface {
  name = 'CreateShopsAndPages1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE shops (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      created_at DATETIME NOT NULL
    )`);
    await q.query(`CREATE TABLE api_keys (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
      key_hash CHAR(64) NOT NULL,
      prefix VARCHAR(16) NOT NULL,
      created_at DATETIME NOT NULL,
      revoked_at DATETIME NULL
    )`);
    await q.query('CREATE UNIQUE INDEX ux_api_keys_hash ON api_keys (key_hash)');
    await q.query(`CREATE TABLE pages (
      id VARCHAR(64) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL REFERENCES shops (id) ON DELETE CASCADE,
      name VARCHAR(200) NOT NULL,
      platform VARCHAR(16) NOT NULL,
      access_token_enc TEXT NOT NULL,
      ad_account_id VARCHAR(64) NULL,
      system_user_token_enc TEXT NULL,
      currency CHAR(3) NOT NULL DEFAULT 'PHP',
      price_per_message INTEGER NOT NULL DEFAULT 0,
      created_at DATETIME NOT NULL,
      updated_at DATETIME NOT NULL
    )`);
    await q.query('CREATE INDEX ix_pages_shop ON pages (shop_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pages');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE shops');
  }
}
