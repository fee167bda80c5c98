import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateShopsAndPages1764000000000 implements MigrationInterface {
  name = 'CreateShopsAndPages1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE shops (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      name VARCHAR(200) NOT NULL,
      created_at DATETIME(3) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE api_keys (
      id VARCHAR(36) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      key_hash CHAR(64) NOT NULL,
      prefix VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL,
      revoked_at DATETIME(3) NULL,
      UNIQUE KEY ux_api_keys_hash (key_hash),
      CONSTRAINT fk_api_keys_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
    await q.query(`CREATE TABLE pages (
      id VARCHAR(64) NOT NULL PRIMARY KEY,
      shop_id VARCHAR(36) NOT NULL,
      name VARCHAR(200) NOT NULL,
      platform VARCHAR(16) NOT NULL,
      access_token_enc TEXT NOT NULL,
      ad_account_id VARCHAR(64) NULL,
      system_user_token_enc TEXT NULL,
      currency CHAR(3) NOT NULL DEFAULT 'PHP',
      price_per_message INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL,
      updated_at DATETIME(3) NOT NULL,
      KEY ix_pages_shop (shop_id),
      CONSTRAINT fk_pages_shop FOREIGN KEY (shop_id) REFERENCES shops (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pages');
    await q.query('DROP TABLE api_keys');
    await q.query('DROP TABLE shops');
  }
}
