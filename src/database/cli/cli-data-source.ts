import { DataSource } from 'typeorm';
import type { DatabaseSettings } from '../../../config/app-config';
import { readConfiguration } from '../../../config/configuration';
import { dataSourceOptions } from '../data-source';

/**
 * The plugin's DataSource for TypeORM's own CLI (`npx typeorm migration:show|run|revert -d
 * dist/src/database/cli/<dialect>.data-source.js`), from the same configuration as the app (DATABASE_URL,
 * `.env`) and with the same ordered migration list. Unlike the app's start, which takes a lock on MySQL
 * (src/database/migrate.ts), the CLI runs migrations without one: run it while no process is starting.
 * Rejects when DATABASE_URL names the other dialect, so each file only ever runs its own migrations.
 */
export async function cliDataSource(dialect: DatabaseSettings['dialect']): Promise<DataSource> {
  const { database } = await readConfiguration();
  if (database.dialect !== dialect) {
    throw new Error(`DATABASE_URL is a ${database.dialect} database: use dist/src/database/cli/${database.dialect}.data-source.js`);
  }
  return new DataSource(dataSourceOptions(database));
}
