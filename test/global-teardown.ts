import { rmSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';

/** Removes the run's build directory; drops the run's MariaDB database and those of its test files (see global-setup and fileDatabaseUrl). */
export default async function globalTeardown(): Promise<void> {
  if (process.env.MM_TEST_BUILD_DIR) rmSync(process.env.MM_TEST_BUILD_DIR, { recursive: true, force: true });
  const url = process.env.MM_TEST_MYSQL_URL;
  if (!url) return;
  const name = new URL(url).pathname.replace(/^\//, '');
  const connection = await createConnection({ uri: url });
  try {
    const [rows] = await connection.query(
      'SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name = ? OR schema_name LIKE ?',
      [name, `${name}\\_%`],
    );
    for (const { name: db } of rows as Array<{ name: string }>) await connection.query(`DROP DATABASE IF EXISTS \`${db}\``);
  } finally {
    await connection.end();
  }
}
