import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { dataSourceOptions } from '../../src/database/data-source';
import { fileDatabaseUrl, testDatabases } from '../helpers/databases';

const MINE = 1764000012000;
const timestampOf = (migration: { name: string }): number => Number(/(\d{13})$/.exec(migration.name)?.[1]);

/**
 * Migration 1764000012000 on a database that already has shops, Pages and campaigns: the defaults it
 * gives existing shops, and amounts moved from Meta's unit to ISO 4217 minor units.
 */
describe.each(testDatabases())('migration %s: shop locale and currency, amounts in minor units', (db) => {
  let before: DataSource;
  let after: DataSource;
  const sqliteDir = mkdtempSync(join(tmpdir(), 'mm-migration-'));

  beforeAll(async () => {
    const config = loadConfig({
      DATABASE_URL: db === 'sqlite' ? `sqlite:${join(sqliteDir, 'mm.sqlite')}` : await fileDatabaseUrl(),
      ENCRYPTION_KEY: 'ab'.repeat(32),
      GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
      META_APP_SECRET: 'x',
      META_VERIFY_TOKEN: 'x',
    });
    const options = dataSourceOptions(config.database);
    const all = options.migrations as Array<new () => { name: string }>;
    before = await new DataSource({ ...options, migrations: all.filter((m) => timestampOf(new m()) < MINE) }).initialize();
    await before.runMigrations({ transaction: 'each' });
    after = await new DataSource({ ...options, migrations: all.filter((m) => timestampOf(new m()) <= MINE) }).initialize();
  });
  afterAll(async () => {
    await after.destroy();
    await before.destroy();
    rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('gives existing shops en-PH/PHP (vi-VN/VND with a VND Page) and rescales HUF amounts, leaving PHP and VND as they were', async () => {
    const now = '2026-06-01 00:00:00';
    const q = (sql: string, params: unknown[]) => before.query(sql, params);
    await q('INSERT INTO shops (id, name, created_at) VALUES (?, ?, ?), (?, ?, ?)', ['s-ph', 'Manila', now, 's-vn', 'Sài Gòn', now]);
    const page =
      'INSERT INTO pages (id, shop_id, name, platform, access_token_enc, currency, price_per_message, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
    await q(page, ['101', 's-ph', 'PH', 'facebook', 'x', 'PHP', 120, now, now]);
    await q(page, ['102', 's-ph', 'HU', 'facebook', 'x', 'HUF', 3, now, now]);
    await q(page, ['103', 's-vn', 'VN', 'facebook', 'x', 'VND', 250, now, now]);
    const campaign = `INSERT INTO campaigns (id, shop_id, page_id, topic_id, name, content, status, on_already_messaged, budget_type, budget_amount,
      estimate, price_per_message, currency, spend, created_at, updated_at) VALUES (?, ?, ?, 't', 'c', '{}', 'draft', 'defer', 'daily', ?, ?, ?, ?, ?, ?, ?)`;
    const estimate = (price: number) =>
      JSON.stringify({ audience: 4, ours: { pricePerMessage: price, cost: 4 * price }, meta: { costUpperBound: 4 * price } });
    await q(campaign, ['c-php', 's-ph', '101', 50000, estimate(120), 120, 'PHP', 360, now, now]);
    await q(campaign, ['c-huf', 's-ph', '102', 5000, estimate(3), 3, 'HUF', 9, now, now]);

    await after.runMigrations({ transaction: 'each' });
    const read = (sql: string) => after.query(sql);

    expect(await read('SELECT id, locale, currency FROM shops ORDER BY id')).toEqual([
      { id: 's-ph', locale: 'en-PH', currency: 'PHP' },
      { id: 's-vn', locale: 'vi-VN', currency: 'VND' },
    ]);
    expect(
      (await read('SELECT id, price_per_message AS p, locale FROM pages ORDER BY id')).map((r: { id: string; p: number; locale: null }) => [
        r.id,
        Number(r.p),
        r.locale,
      ]),
    ).toEqual([
      ['101', 120, null],
      ['102', 300, null],
      ['103', 250, null],
    ]);
    const campaigns = (await read(
      'SELECT id, budget_amount AS b, price_per_message AS p, spend AS s, estimate AS e FROM campaigns ORDER BY id',
    )) as Array<{
      id: string;
      b: number;
      p: number;
      s: number;
      e: string;
    }>;
    expect(campaigns.map((c) => [c.id, Number(c.b), Number(c.p), Number(c.s), JSON.parse(c.e)])).toEqual([
      ['c-huf', 500000, 300, 900, { audience: 4, ours: { pricePerMessage: 300, cost: 1200 }, meta: { costUpperBound: 1200 } }],
      ['c-php', 50000, 120, 360, { audience: 4, ours: { pricePerMessage: 120, cost: 480 }, meta: { costUpperBound: 480 } }],
    ]);
  });
});
