import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startMessengerSandbox, type RunningSandbox, type SandboxControl } from '../../libs/messenger-sandbox/src';
import { loadConfig, type AppConfig, type Env } from '../../config/app-config';
import { createApp } from '../../src/bootstrap';
import { ManualClock } from '../../src/common/clock';
import { GraphEndpoint } from '../../src/common/graph-endpoint';
import { JsonLogger } from '../../src/common/json-logger';
import { type DataSource } from 'typeorm';
import { SqlDialect } from '../../src/database/sql-dialect';
import { InboxProcessor } from '../../src/messenger/inbox/inbox-processor.service';
import { fileDatabaseUrl, type TestDatabase } from './databases';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

export const TEST_APP_SECRET = 'test-app-secret';
export const TEST_START = Date.parse('2026-06-01T02:00:00Z');

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  /** The app's own base URL on a real port (the sandbox posts webhooks to it). */
  url: string;
  http: () => ReturnType<typeof request>;
  clock: ManualClock;
  sandbox: RunningSandbox;
  meta: SandboxControl;
  /** Every JSON log line the app wrote, to assert that secrets never appear. */
  logs: string[];
  /** Moves the app's clock and the sandbox's together, as real time would. */
  advance(ms: number): Promise<void>;
  /** Waits until every webhook the sandbox posted is stored and processed (by this app, whatever its roles). */
  settle(): Promise<void>;
  /** Closes the app only (the sandbox and database stay), to start another on the same database. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Env;
  /** Reuse an existing SQLite file or sandbox (restarts, several processes). */
  sqlitePath?: string;
  sandbox?: RunningSandbox;
  /** Play the local `npm start` run, where the sandbox is the one the app started itself (GraphEndpoint.bundledSandbox). */
  bundledSandbox?: boolean;
}

/**
 * The shipped app (createApp) on a real port, talking over HTTP to a real Messenger sandbox whose
 * webhooks come back to it, against SQLite (a fresh file) or the suite's MariaDB. Both clocks start at
 * TEST_START and move only with advance().
 */
export async function startTestApp(db: TestDatabase, options: TestAppOptions = {}): Promise<TestApp> {
  const sandbox = options.sandbox ?? (await startMessengerSandbox({ port: 0, appSecret: TEST_APP_SECRET, startTime: TEST_START }));
  const sqlitePath = options.sqlitePath ?? join(tmpdir(), `mm-test-${randomBytes(6).toString('hex')}.sqlite`);
  const config = loadConfig({
    DATABASE_URL: db === 'mysql' ? await fileDatabaseUrl() : `sqlite:${sqlitePath}`,
    ENCRYPTION_KEY: 'ab'.repeat(32),
    GRAPH_API_URL: sandbox.graphUrl,
    META_APP_SECRET: TEST_APP_SECRET,
    META_VERIFY_TOKEN: 'test-verify-token',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const clock = new ManualClock(await sandbox.control.now());
  const logs: string[] = [];

  let app: INestApplication;
  let url = '';
  const boot = async (): Promise<void> => {
    app = await createApp({
      config,
      clock,
      graphEndpoint: new GraphEndpoint(sandbox.graphUrl, TEST_APP_SECRET, options.bundledSandbox ? sandbox.control : undefined),
      logger: new JsonLogger('debug', (line) => logs.push(line)),
    });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await sandbox.control.setWebhookTarget(`${url}/webhooks/messenger`);
  };
  await boot();

  const t: TestApp = {
    get app() {
      return app;
    },
    config,
    get url() {
      return url;
    },
    http: () => request(url),
    clock,
    sandbox,
    meta: sandbox.control,
    logs,
    async advance(ms) {
      clock.advance(ms);
      await sandbox.control.advanceClock(ms);
    },
    async settle() {
      await sandbox.control.flushWebhooks();
      const inbox = app.get(InboxProcessor);
      if (inbox.processesHere) return inbox.idle();
      // An api-only app leaves its deliveries to the workers' sweeps: here it stands in for them, and
      // waits for worker processes on the same database to finish the rows they took first.
      const dialect = new SqlDialect(app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN));
      const deadline = Date.now() + 10_000;
      for (;;) {
        await inbox.sweep({ recoverAll: false });
        await inbox.idle();
        const [{ n }] = (await app
          .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
          .query(`SELECT COUNT(*) AS n FROM webhook_inbox WHERE status = 'processing' OR (status = 'pending' AND next_attempt_at <= ?)`, [
            dialect.time(clock.now()),
          ])) as Array<{ n: number | string }>;
        if (Number(n) === 0) return;
        if (Date.now() > deadline) throw new Error(`${n} webhook deliveries still unprocessed after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async restart() {
      await app.close();
      await boot();
    },
    async close() {
      await app.close();
      if (!options.sandbox) await sandbox.close();
    },
  };
  return t;
}
