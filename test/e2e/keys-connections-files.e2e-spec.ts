import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { type DataSource } from 'typeorm';
import { signWebhookBody } from '../../libs/messenger-sandbox/src';
import { aShop } from '../helpers/builders';
import { mysqlUrl, testDatabases, type TestDatabase } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

/** A MariaDB database of this test's own, for tests that break it. */
async function aPrivateMysqlDatabase(): Promise<string> {
  const url = new URL(mysqlUrl());
  const name = `${url.pathname.slice(1)}_${randomBytes(3).toString('hex')}`;
  const connection = await createConnection({ uri: mysqlUrl() });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await connection.end();
  url.pathname = `/${name}`;
  return url.toString();
}

function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with what the server wrote (and how long it took) when it closes the connection, or 'open' after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<{ closed: boolean; after: number; data: string }> {
  const started = Date.now();
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ closed: false, after: Date.now() - started, data }), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, after: Date.now() - started, data });
    });
  });
}

describe.each(testDatabases())('API keys, failed authentication, slow clients, files and health on %s', (db: TestDatabase) => {
  describe('API keys', () => {
    let t: TestApp;
    let other: TestApp;
    beforeAll(async () => {
      t = await startTestApp(db);
      // A second app on the same database: another process as far as any cache is concerned.
      other = await startTestApp(db, {
        sandbox: t.sandbox,
        sqlitePath: t.config.database.dialect === 'sqlite' ? t.config.database.path : undefined,
      });
    });
    afterAll(async () => {
      await other.close();
      await t.close();
    });

    it('lists the shop’s keys without their secrets, creates one, and revokes it: refused at once by every process', async () => {
      const shop = await aShop(t, 'Key owner');
      const created = await t.http().post('/api/keys').set(shop.auth).expect(201);
      const second = { Authorization: `Bearer ${created.body.apiKey as string}` };
      // Warm both processes with the new key, as a cache would be.
      await t.http().get('/api/pages').set(second).expect(200);
      await other.http().get('/api/pages').set(second).expect(200);

      const list = await t.http().get('/api/keys').set(shop.auth).expect(200);
      expect(list.body).toHaveLength(2);
      expect(list.body.find((k: { current: boolean }) => k.current).prefix).toBe(shop.apiKey.slice(0, 12));
      expect(JSON.stringify(list.body)).not.toContain(created.body.apiKey);

      await t
        .http()
        .delete(`/api/keys/${created.body.id as string}`)
        .set(shop.auth)
        .expect(204);
      await t.http().get('/api/pages').set(second).expect(401);
      await other.http().get('/api/pages').set(second).expect(401);
      await other.http().get('/api/pages').set(shop.auth).expect(200);
      const after = await other.http().get('/api/keys').set(shop.auth).expect(200);
      expect(after.body.find((k: { id: string }) => k.id === created.body.id).revokedAt).toEqual(t.clock.now().toISOString());
    });

    it("answers 404 naming keyId for another shop's key, and revokes nothing", async () => {
      const owner = await aShop(t, 'Owner');
      const intruder = await aShop(t, 'Intruder');
      const [ownKey] = (await t.http().get('/api/keys').set(owner.auth).expect(200)).body as Array<{ id: string }>;
      const res = await t.http().delete(`/api/keys/${ownKey!.id}`).set(intruder.auth).expect(404);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'keyId' })]);
      await t.http().get('/api/pages').set(owner.auth).expect(200);
    });

    it('slows down repeated failed authentication from one address and logs it as one line with the count', async () => {
      const shop = await aShop(t, 'Legit');
      // A new window and interval: the earlier tests' 401s are not counted.
      other.clock.advance(61_000);
      const times: number[] = [];
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        await other
          .http()
          .get('/api/pages')
          .set({ Authorization: `Bearer mmk_guess_${i}` })
          .expect(401);
        times.push(Date.now() - started);
      }
      // 5 free failures, then 250, 500, 1000 ms held back.
      expect(Math.max(...times.slice(0, 5))).toBeLessThan(200);
      expect(times[7]).toBeGreaterThanOrEqual(900);
      // A valid key from the same address is never held back.
      const started = Date.now();
      await other.http().get('/api/pages').set(shop.auth).expect(200);
      expect(Date.now() - started).toBeLessThan(200);

      // Per request, a 401 is a debug line only (the test app logs debug; production's info level drops them).
      const perTry = other.logs.filter((l) => l.includes('"status":401') && !l.includes('"level":"debug"'));
      expect(perTry).toEqual([]);
      // The interval ends: the next failure is not held back, and the interval's line is written.
      other.clock.advance(61_000);
      const next = Date.now();
      await other.http().get('/api/pages').set({ Authorization: 'Bearer mmk_guess_again' }).expect(401);
      expect(Date.now() - next).toBeLessThan(200);
      const lines = other.logs.filter((l) => l.includes('authentication failures')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ count: 8, addresses: 1 }));
      expect(lines.length).toBeLessThanOrEqual(2);
    });
  });

  describe('slow clients and the connection cap', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(db, { env: { HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_MAX_CONNECTIONS: '8' } });
    });
    afterAll(() => t.close());

    it('cuts a client that trickles its body after the request timeout, with a 408', async () => {
      const socket = await rawSocket(t.url);
      socket.write('POST /api/pos/order-events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
      const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
      const outcome = await closedWithin(socket, 5_000);
      clearInterval(trickle);
      expect(outcome.closed).toBe(true);
      expect(outcome.after).toBeLessThan(3_500);
      expect(outcome.data).toContain('408');
    });

    it('cuts a client that trickles its headers after the headers timeout', async () => {
      const socket = await rawSocket(t.url);
      socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => socket.writable && socket.write('X-Slow: y\r\n'), 200);
      const outcome = await closedWithin(socket, 5_000);
      clearInterval(trickle);
      expect(outcome.closed).toBe(true);
      expect(outcome.after).toBeLessThan(3_000);
    });

    it('keeps the webhook path fast while slow clients hold connections, and refuses connections beyond the cap', async () => {
      const idle = await Promise.all(Array.from({ length: 6 }, () => rawSocket(t.url)));
      for (const s of idle) s.write('POST /api/pages HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n');
      const body = JSON.stringify({ object: 'page', entry: [] });
      const started = Date.now();
      await t
        .http()
        .post('/webhooks/messenger')
        .set({ 'Content-Type': 'application/json', 'X-Hub-Signature-256': signWebhookBody(body, TEST_APP_SECRET) })
        .send(body)
        .expect(200);
      expect(Date.now() - started).toBeLessThan(500);
      // 8 held = the cap: the next connection is closed at once.
      idle.push(...(await Promise.all([rawSocket(t.url), rawSocket(t.url)])));
      const extra = await rawSocket(t.url);
      extra.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      const outcome = await closedWithin(extra, 1_000);
      expect({ closed: outcome.closed, data: outcome.data }).toEqual({ closed: true, data: '' });
      for (const s of idle) s.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await t.http().get('/health/live').expect(200);
    });
  });

  it('creates the data directory 0700 and the database file and secrets 0600', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'mm-files-')), 'data');
    const sqlitePath = join(dataDir, 'mm.sqlite');
    const t = await startTestApp(db, {
      sqlitePath: db === 'sqlite' ? sqlitePath : undefined,
      env: { DATA_DIR: dataDir, ENCRYPTION_KEY: undefined },
    });
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'encryption.key'))).toBe(0o600);
      if (db === 'sqlite') {
        expect(modeOf(sqlitePath)).toBe(0o600);
        expect(modeOf(`${sqlitePath}-wal`)).toBe(0o600);
      }
    } finally {
      await t.close();
    }
  });

  it('is not ready when the schema is gone (a dropped database), while it stays live', async () => {
    const t = await startTestApp(db, db === 'mysql' ? { env: { DATABASE_URL: await aPrivateMysqlDatabase() } } : {});
    try {
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.info).toMatchObject({ database: { status: 'up' }, schema: { status: 'up' } });
      const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
      if (db === 'mysql') {
        await dataSource.query(`DROP DATABASE \`${dataSource.driver.database!}\``);
      } else {
        await dataSource.query('DROP TABLE migrations');
        await dataSource.query('DROP TABLE webhook_inbox');
      }
      for (const path of ['/health/ready', '/health']) {
        const down = await t.http().get(path).expect(503);
        expect(down.body).toMatchObject({ statusCode: 503, error: 'unavailable', details: { schema: { status: 'down' } } });
        expect(typeof down.body.requestId).toBe('string');
      }
      await t.http().get('/health/live').expect(200);
    } finally {
      await t.close();
    }
  });
});
