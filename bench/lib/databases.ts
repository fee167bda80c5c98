import { createConnection } from 'mysql2/promise';
import { loadConfig, type DatabaseSettings } from '../../config/app-config';

/** A fresh database on the given MySQL/MariaDB server, so row counts are this run's alone. */
export async function aFreshMysqlDatabase(serverUrl: string, runId: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(serverUrl);
  const name = `mm_bench_${runId}`;
  const admin = await createConnection({ uri: serverUrl });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** The app's own reading of a DATABASE_URL (the other settings do not matter here). */
export function databaseSettings(databaseUrl: string): DatabaseSettings {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: 'ab'.repeat(32),
    GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
    META_APP_SECRET: 'x',
    META_VERIFY_TOKEN: 'x',
  }).database;
}
