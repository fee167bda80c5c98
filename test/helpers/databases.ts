export type TestDatabase = 'sqlite' | 'mysql';

/** The databases this run covers (decided once in global-setup): use with describe.each. */
export function testDatabases(): TestDatabase[] {
  return (process.env.MM_TEST_DATABASES ?? 'sqlite').split(',') as TestDatabase[];
}

export function mysqlUrl(): string {
  const url = process.env.MM_TEST_MYSQL_URL;
  if (!url) throw new Error('MariaDB is not part of this run');
  return url;
}
