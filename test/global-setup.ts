import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../config/app-config';
import { openDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrate';

/**
 * Decides which databases the suite runs on. SQLite always; MariaDB when TEST_MYSQL_URL answers. Each run
 * gets its own database on that server (`<name>_run_<random>`, migrated once here, dropped in
 * global-teardown), so runs side by side never see each other's tables; inside a run, every test makes
 * its own shop and Pages. With REQUIRE_MYSQL=1 (CI) an unreachable MariaDB fails the run instead of skipping it.
 */
export default async function globalSetup(): Promise<void> {
  // One compile of the shipped code per run, shared by the files that spawn it (test/helpers/worker-process.ts).
  process.env.MM_TEST_BUILD_DIR = mkdtempSync(join(tmpdir(), 'mm-test-build-'));
  const url = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
  const databases = ['sqlite'];
  try {
    process.env.MM_TEST_MYSQL_URL = await createRunDatabase(url);
    databases.push('mysql');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.REQUIRE_MYSQL === '1')
      throw new Error(`REQUIRE_MYSQL=1 but MariaDB at ${url} is not usable: ${reason}`, { cause: error });
    process.stdout.write(`\n!!!!! MariaDB at ${url} is not reachable (${reason}): the MySQL half of the suite is SKIPPED !!!!!\n\n`);
  }
  process.env.MM_TEST_DATABASES = databases.join(',');
}

async function createRunDatabase(url: string): Promise<string> {
  const runUrl = new URL(url);
  const name = `${runUrl.pathname.replace(/^\//, '') || 'test'}_run_${randomBytes(4).toString('hex')}`;
  runUrl.pathname = `/${name}`;
  const connection = await createConnection({ uri: url, connectTimeout: 3000 });
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await connection.end();
  }
  const config = loadConfig({
    DATABASE_URL: runUrl.toString(),
    ENCRYPTION_KEY: 'ab'.repeat(32),
    GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
    META_APP_SECRET: 'x',
    META_VERIFY_TOKEN: 'x',
  });
  const dataSource = await openDataSource(config.database);
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  return runUrl.toString();
}
