import { createConnection } from 'mysql2/promise';
import type { DatabaseSettings } from '../../config/app-config';

/** The database named in DATABASE_URL cannot be used: `message` is one line an operator can act on. */
export class DatabaseUnavailable extends Error {
  override readonly name = 'DatabaseUnavailable';
}

/** Network errors: the server is not there (or not reachable from here). */
const UNREACHABLE: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/** What to run on the server to create the database: utf8mb4, as every table of the migrations is. */
export function createDatabaseStatement(database: string): string {
  return `CREATE DATABASE \`${database.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
}

/**
 * Opens one MySQL/MariaDB connection to the configured database before the app starts, so that a
 * missing database, a refused login or an unreachable server stops the start with one line (thrown as
 * DatabaseUnavailable) instead of TypeORM's retries and stack traces. SQLite needs no check: its file is
 * created on open. Error codes: https://mariadb.com/kb/en/mariadb-error-code-reference/ (1045, 1049).
 */
export async function checkDatabaseReachable(db: DatabaseSettings): Promise<void> {
  if (db.dialect !== 'mysql') return;
  const where = `${db.host}:${db.port}`;
  try {
    const connection = await createConnection({
      host: db.host,
      port: db.port,
      user: db.username,
      password: db.password,
      database: db.database,
      connectTimeout: 10_000,
    });
    await connection.end();
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'ER_BAD_DB_ERROR')
      throw new DatabaseUnavailable(
        `database "${db.database}" does not exist on ${where}; create it first: ${createDatabaseStatement(db.database)}`,
      );
    if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR')
      throw new DatabaseUnavailable(`${where} refused user "${db.username}" for database "${db.database}" (${code})`);
    if (code !== undefined && UNREACHABLE.has(code))
      throw new DatabaseUnavailable(`cannot reach MySQL/MariaDB at ${where} (${code}); is it running?`);
    throw new DatabaseUnavailable(`cannot open database "${db.database}" on ${where}: ${code ?? message ?? String(error)}`);
  }
}
