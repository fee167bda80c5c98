import { type DataSource } from 'typeorm';
import { mysqlUrl, testDatabases } from '../../test/helpers/databases';
import { inAmbientTransaction } from './ambient-transaction';
import { openDataSource } from './data-source';

describe.each(testDatabases())('inAmbientTransaction on %s', (db) => {
  let ds: DataSource;
  const table = `ambient_probe_${process.pid}`;
  beforeAll(async () => {
    ds = await openDataSource(
      db === 'mysql' ? { type: 'mysql', url: mysqlUrl(), timezone: 'Z' } : { type: 'better-sqlite3', database: ':memory:' },
    );
    await ds.query(`CREATE TABLE ${table} (id INT PRIMARY KEY, v INT)`);
  });
  afterAll(async () => {
    await ds.query(`DROP TABLE ${table}`);
    await ds.destroy();
  });

  it('commits the writes of callees that only know the DataSource, together', async () => {
    await inAmbientTransaction(ds, async () => {
      await ds.query(`INSERT INTO ${table} (id, v) VALUES (1, 1)`);
      await ds.manager.query(`INSERT INTO ${table} (id, v) VALUES (2, 2)`);
    });
    expect(await ds.query(`SELECT COUNT(*) AS n FROM ${table}`)).toEqual([{ n: db === 'mysql' ? '2' : 2 }]);
  });

  it('rolls back all of them when the work fails, and a savepoint keeps the rest', async () => {
    await ds.query(`DELETE FROM ${table}`);
    await expect(
      inAmbientTransaction(ds, async () => {
        await ds.query(`INSERT INTO ${table} (id, v) VALUES (3, 3)`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await inAmbientTransaction(ds, async () => {
      await ds.query(`INSERT INTO ${table} (id, v) VALUES (4, 4)`);
      await ds.query('SAVEPOINT row');
      await ds.query(`INSERT INTO ${table} (id, v) VALUES (5, 5)`);
      await ds.query('ROLLBACK TO SAVEPOINT row');
    });
    expect((await ds.query(`SELECT id FROM ${table} ORDER BY id`)).map((r: { id: number }) => Number(r.id))).toEqual([4]);
  });
});
