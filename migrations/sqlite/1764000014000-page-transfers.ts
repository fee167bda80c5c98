import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Page registered by a second shop with a token Meta confirms moves to that shop (README, "Who holds a Page"); the
 * earlier shop keeps its history under an archived Page row whose `transferred_at` says when it lost it.
 */
export class PageTransfers1764000014000 implements MigrationInterface {
  name = 'PageTransfers1764000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE pages ADD COLUMN transferred_at DATETIME NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE pages DROP COLUMN transferred_at');
  }
}
