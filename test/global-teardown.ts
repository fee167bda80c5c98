import { createConnection } from 'mysql2/promise';

/** Drops the run's own MariaDB database (see global-setup). */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.MM_TEST_MYSQL_URL;
  if (!url) return;
  const name = new URL(url).pathname.replace(/^\//, '');
  const connection = await createConnection({ uri: url });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await connection.end();
  }
}
