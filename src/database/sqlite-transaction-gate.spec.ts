import { DataSource } from 'typeorm';
import { gateSqliteTransactions } from './sqlite-transaction-gate';

describe('gateSqliteTransactions', () => {
  let ds: DataSource;
  beforeEach(async () => {
    ds = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    gateSqliteTransactions(ds);
    await ds.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v INT)');
  });
  afterEach(() => ds.destroy());

  const insertIfEmpty = (): Promise<void> =>
    ds.transaction(async (em) => {
      const [{ n }] = await em.query('SELECT COUNT(*) AS n FROM t');
      await new Promise((resolve) => setTimeout(resolve, 10));
      if (Number(n) === 0) await em.query('INSERT INTO t (v) VALUES (1)');
    });

  it('runs concurrent transactions one after the other, so a check-then-insert holds', async () => {
    await Promise.all([insertIfEmpty(), insertIfEmpty(), insertIfEmpty()]);
    expect(await ds.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 1 }]);
  });

  it('keeps an outside write out of a transaction that rolls back', async () => {
    const failing = ds.transaction(async (em) => {
      await em.query('INSERT INTO t (v) VALUES (1)');
      await new Promise((resolve) => setTimeout(resolve, 10));
      throw new Error('boom');
    });
    const outside = ds.query('INSERT INTO t (v) VALUES (2)');
    await expect(failing).rejects.toThrow('boom');
    await outside;
    expect(await ds.query('SELECT v FROM t')).toEqual([{ v: 2 }]);
  });
});
