import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../config/app-config';
import { openDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrate';

/**
 * Decides which databases the suite runs on. SQLite always; MariaDB when TEST_MYSQL_URL answers:
 * its tables are dropped and migrated once here, then every test makes its own shop and Pages.
 * With REQUIRE_MYSQL=1 (CI) an unreachable MariaDB fails the run instead of skipping it.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const databases = ['sqlite'];
  try {
    await resetMysql(url);
    databases.push('mysql');
    process.env.MM_TEST_MYSQL_URL = url;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.REQUIRE_MYSQL === '1') throw new Error(`REQUIRE_MYSQL=1 but MariaDB at ${url} is not usable: ${reason}`, { cause: error });
    process.stdout.write(`\n!!!!! MariaDB at ${url} is not reachable (${reason}): the MySQL half of the suite is SKIPPED !!!!!\n\n`);
  }
  process.env.MM_TEST_DATABASES = databases.join(',');
}

async function resetMysql(url: string): Promise<void> {
  const connection = await createConnection({ uri: url, connectTimeout: 3000, multipleStatements: true });
  try {
    const [rows] = await connection.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()');
    const tables = (rows as Array<{ t: string }>).map((r) => `\`${r.t}\``);
    if (tables.length > 0) await connection.query(`SET FOREIGN_KEY_CHECKS = 0; DROP TABLE ${tables.join(', ')}; SET FOREIGN_KEY_CHECKS = 1`);
  } finally {
    await connection.end();
  }
  const dataSource = await openDataSource(loadConfig({ DATABASE_URL: url, ENCRYPTION_KEY: 'a'.repeat(64), GRAPH_API_URL: 'http://127.0.0.1:9/v23.0', META_APP_SECRET: 'x', META_VERIFY_TOKEN: 'x' }).database);
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
