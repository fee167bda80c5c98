import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

export type TestDatabase = 'sqlite' | 'mysql';

/** The databases this run covers (decided once in global-setup): use with describe.each. */
export function testDatabases(): TestDatabase[] {
  return (process.env.MM_TEST_DATABASES ?? 'sqlite').split(',') as TestDatabase[];
}

/** The run's MariaDB database, migrated by global-setup. */
export function mysqlUrl(): string {
  const url = process.env.MM_TEST_MYSQL_URL;
  if (!url) throw new Error('MariaDB is not part of this run');
  return url;
}

let fileDatabase: Promise<string> | undefined;

/**
 * A MariaDB database of this test file's own, created on first use and dropped with the run's
 * (global-teardown drops every database named after the run's). Every app runs worker loops that claim
 * any due row of its database, and apps of other files move their clocks: sharing one database, they
 * would claim this file's rows. The first app started on it applies the migrations.
 */
export function fileDatabaseUrl(): Promise<string> {
  fileDatabase ??= (async () => {
    const url = new URL(mysqlUrl());
    const name = `${url.pathname.slice(1)}_${randomBytes(3).toString('hex')}`;
    const connection = await createConnection({ uri: mysqlUrl() });
    try {
      await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    } finally {
      await connection.end();
    }
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return fileDatabase;
}
