import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { loadConfig, type AppConfig, type Env } from '../../config/app-config';
import { createApp } from '../../src/bootstrap';
import { ManualClock } from '../../src/common/clock';
import { JsonLogger } from '../../src/common/json-logger';
import { mysqlUrl, type TestDatabase } from './databases';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** The app's own base URL on a real port (webhooks from the sandbox reach it there). */
  url: string;
  http: () => ReturnType<typeof request>;
  clock: ManualClock;
  /** Every JSON log line the app wrote, to assert that secrets never appear. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  clock?: ManualClock;
}

/** The shipped app (createApp) on a real port, against SQLite (a fresh file) or the suite's MariaDB. */
export async function startTestApp(db: TestDatabase, options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    DATABASE_URL: db === 'mysql' ? mysqlUrl() : `sqlite:${join(tmpdir(), `mm-test-${randomBytes(6).toString('hex')}.sqlite`)}`,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
    META_APP_SECRET: 'test-app-secret',
    META_VERIFY_TOKEN: 'test-verify-token',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const clock = options.clock ?? new ManualClock(Date.parse('2026-06-01T02:00:00Z'));
  const logs: string[] = [];
  const app = await createApp({ config, clock, logger: new JsonLogger('debug', (line) => logs.push(line)) });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return { app, config, url, http: () => request(url), clock, logs, close: () => app.close() };
}
