import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Values Meta sent that we do not know (an enum spelling, an unreadable time), kept for inspection.
 * The primary key (page, field, value) makes the first sighting an insert (logged once, in any number
 * of processes) and every later one a count. Never a token: only enum and time fields are recorded.
 */
export class CreateMetaUnrecognisedValues1764000006000 implements MigrationInterface {
  name = 'CreateMetaUnrecognisedValues1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE meta_unrecognised_values (
      page_id VARCHAR(64) NOT NULL,
      field VARCHAR(100) NOT NULL,
      value VARCHAR(100) NOT NULL,
      first_seen_at DATETIME(3) NOT NULL,
      last_seen_at DATETIME(3) NOT NULL,
      seen_count INT NOT NULL DEFAULT 1,
      PRIMARY KEY (page_id, field, value)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE meta_unrecognised_values');
  }
}
