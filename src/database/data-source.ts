import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseSettings } from '../../config/app-config';
import { mysqlMigrations } from '../../migrations/mysql';
import { sqliteMigrations } from '../../migrations/sqlite';
import { installAmbientTransactions } from './ambient-transaction';
import { entities } from './entities';
import { gateSqliteTransactions } from './sqlite-transaction-gate';

/**
 * The SQLite file holds every shop's data: its directory is created 0700 and the file 0600 (owner only),
 * before SQLite opens it, whatever the umask; SQLite gives its -wal and -shm files the database file's mode.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 'a' creates the file if missing (with this mode) and never truncates an existing one.
  closeSync(openSync(path, 'a', 0o600));
}

export function dataSourceOptions(db: DatabaseSettings): DataSourceOptions {
  const common = { entities, synchronize: false, migrationsRun: false, logging: false } as const;
  if (db.dialect === 'sqlite') {
    if (db.path !== ':memory:') createPrivately(db.path);
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path,
      migrations: sqliteMigrations,
      // WAL lets readers go on while the one writer commits; busy_timeout rides out short write locks.
      prepareDatabase: (sqlite: { pragma(sql: string): unknown }) => {
        sqlite.pragma('journal_mode = WAL');
        sqlite.pragma('busy_timeout = 5000');
        sqlite.pragma('foreign_keys = ON');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    host: db.host,
    port: db.port,
    username: db.username,
    password: db.password,
    database: db.database,
    timezone: 'Z',
    charset: 'utf8mb4_bin',
    poolSize: 20,
    // mysql2 otherwise captures a stack trace on every query, for errors that TypeORM rewraps anyway:
    // a tenth of the inbox processor's CPU.
    extra: { trace: false },
    migrations: mysqlMigrations,
  };
}

/** An initialised data source: SQLite's transactions made safe to run concurrently, ambient transactions on MySQL. */
export async function openDataSource(db: DatabaseSettings | DataSourceOptions): Promise<DataSource> {
  const dataSource = await new DataSource('dialect' in db ? dataSourceOptions(db) : db).initialize();
  gateSqliteTransactions(dataSource);
  installAmbientTransactions(dataSource);
  return dataSource;
}
