import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { checkpointInBackground } from './sqlite-checkpointer';

describe('checkpointInBackground', () => {
  let dir: string;
  let ds: DataSource;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-checkpointer-'));
    ds = await new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'db.sqlite'),
      prepareDatabase: (db: { pragma(sql: string): unknown }) => void db.pragma('journal_mode = WAL'),
    }).initialize();
    await ds.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  afterEach(async () => {
    if (ds.isInitialized) await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const databaseFileBytes = (): number => statSync(join(dir, 'db.sqlite')).size;
  const writeFourMegabytes = async (): Promise<void> => {
    for (let i = 0; i < 64; i++) await ds.query('INSERT INTO t (v) VALUES (?)', ['x'.repeat(64 * 1024)]);
  };

  it("copies the log into the database file from its own thread, while the app's connection never checkpoints", async () => {
    checkpointInBackground(ds);
    expect(await ds.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 0 }]);
    await writeFourMegabytes();
    const deadline = Date.now() + 5_000;
    while (databaseFileBytes() < 4 * 1024 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(databaseFileBytes()).toBeGreaterThanOrEqual(4 * 1024 * 1024);
  });

  it('leaves in-memory databases alone', async () => {
    const memory = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    checkpointInBackground(memory);
    expect(await memory.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 1000 }]);
    await memory.destroy();
  });
});
