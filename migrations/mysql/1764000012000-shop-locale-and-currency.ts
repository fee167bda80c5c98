import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rescaleStoredAmounts } from '../common/stored-amounts-in-iso-minor-units';

/**
 * Shops get a locale (BCP 47) and a currency (ISO 4217) for the money in their messages; a Page may
 * override the locale. Existing shops become en-PH / PHP, except those with a Page on a VND ad
 * account, which become vi-VN / VND. Stored amounts move to ISO 4217 minor units (see rescaleStoredAmounts).
 */
export class ShopLocaleAndCurrency1764000012000 implements MigrationInterface {
  name = 'ShopLocaleAndCurrency1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE shops ADD COLUMN locale VARCHAR(35) NOT NULL DEFAULT 'en-PH'`);
    await q.query(`ALTER TABLE shops ADD COLUMN currency VARCHAR(3) NOT NULL DEFAULT 'PHP'`);
    await q.query(`UPDATE shops SET locale = 'vi-VN', currency = 'VND' WHERE id IN (SELECT shop_id FROM pages WHERE currency = 'VND')`);
    await q.query('ALTER TABLE pages ADD COLUMN locale VARCHAR(35) NULL');
    await rescaleStoredAmounts(q, 'up');
  }

  async down(q: QueryRunner): Promise<void> {
    await rescaleStoredAmounts(q, 'down');
    await q.query('ALTER TABLE pages DROP COLUMN locale');
    await q.query('ALTER TABLE shops DROP COLUMN currency');
    await q.query('ALTER TABLE shops DROP COLUMN locale');
  }
}
