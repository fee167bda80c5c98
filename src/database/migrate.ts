import type { DataSource } from 'typeorm';

const LOCK_NAME = 'mm_plugin_migrations';

/**
 * Applies pending migrations, each in its own transaction. On MySQL several processes may boot at once,
 * so the run holds a named lock (GET_LOCK) on one connection; SQLite is a single process by design.
 * Returns the names applied (empty when the database was up to date).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type !== 'mysql') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = (await runner.query('SELECT GET_LOCK(?, 120) AS locked', [LOCK_NAME])) as Array<{ locked: number }>;
    if (Number(locked) !== 1) throw new Error('could not take the migration lock within 120 s');
    try {
      return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    await runner.release();
  }
}
