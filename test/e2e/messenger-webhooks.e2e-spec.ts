import { createHmac, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { type DataSource } from 'typeorm';
import { GraphApiClient } from '../../libs/graph-api/src';
import { TokenCipher } from '../../src/common/token-cipher';
import { SqlDialect } from '../../src/database/sql-dialect';
import { MessengerEvents } from '../../src/messenger/events/messenger-events';
import { InboxProcessor } from '../../src/messenger/inbox/inbox-processor.service';
import { MessagingWindow } from '../../src/messenger/people/messaging-window';
import { PeopleService } from '../../src/messenger/people/people.service';
import { aConnectedPage, aPsid, aShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const HOUR = 3600_000;
const sign = (body: string, secret = TEST_APP_SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe.each(testDatabases())('Messenger webhooks on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  const inboxRows = async (): Promise<number> =>
    Number((await t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query('SELECT COUNT(*) AS n FROM webhook_inbox'))[0].n);
  const lastInboxRow = async (): Promise<{ status: string; attempts: number; last_error: string | null; body: string }> =>
    (
      await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT status, attempts, last_error, body FROM webhook_inbox ORDER BY id DESC LIMIT 1')
    )[0];

  const messageBody = (pageId: string, psid: string, mid: string, at: number): string =>
    JSON.stringify({
      object: 'page',
      entry: [
        {
          id: pageId,
          time: at,
          messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: at, message: { mid, text: 'hi' } }],
        },
      ],
    });

  it("answers Meta's verification handshake only with the right verify token", async () => {
    const ok = await t
      .http()
      .get('/webhooks/messenger')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': '1158201444' })
      .expect(200);
    expect(ok.text).toBe('1158201444');
    await t
      .http()
      .get('/webhooks/messenger')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'guess', 'hub.challenge': '1' })
      .expect(403);
  });

  it('refuses a forged or unsigned delivery with 403 and stores nothing', async () => {
    const body = messageBody('111', 'forged-psid', 'm_forged', Date.now());
    const before = await inboxRows();
    await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', sign(body, 'wrong-secret'))
      .send(body)
      .expect(403);
    await t.http().post('/webhooks/messenger').set('Content-Type', 'application/json').send(body).expect(403);
    expect(await inboxRows()).toBe(before);
  });

  it('answers a refused delivery with the API error body and a request id, and refuses an oversized one with 413', async () => {
    const before = await inboxRows();
    const forged = await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'meta-retry-7')
      .set('X-Hub-Signature-256', sign('{}'))
      .send(messageBody('111', 'forged-psid', 'm_forged_2', Date.now()))
      .expect(403);
    expect(forged.headers['x-request-id']).toBe('meta-retry-7');
    expect(forged.body).toEqual({ statusCode: 403, error: 'forbidden', message: 'invalid X-Hub-Signature-256', requestId: 'meta-retry-7' });

    const huge = JSON.stringify({ object: 'page', entry: [], padding: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', sign(huge))
      .send(huge)
      .expect(413);
    expect(tooLarge.body).toMatchObject({ statusCode: 413, error: 'payload_too_large', requestId: expect.any(String) });
    expect(await inboxRows()).toBe(before);
  });

  it('stores a delivery Meta sends three times once and processes it once', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    const seen: string[] = [];
    const listener = (e: { psid: string; mid: string }): void => {
      if (e.psid === psid) seen.push(e.mid);
    };
    t.app.get(EventEmitter2).on(MessengerEvents.MessageReceived, listener);
    const before = await inboxRows();
    const { mid } = await t.meta.personMessage({ pageId: page.id, psid, text: 'Is the blue dress in stock?', deliveries: 3 });
    await t.settle();
    t.app.get(EventEmitter2).off(MessengerEvents.MessageReceived, listener);
    expect(seen).toEqual([mid]);
    expect(await inboxRows()).toBe(before + 1);
    const stored = await lastInboxRow();
    expect(stored.body).not.toContain(mid);
    expect(t.app.get(TokenCipher).decrypt(stored.body)).toContain(mid);
  });

  it("opens a person's window with their message, and 24 hours of sandbox time later it is closed", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    const windows = t.app.get(MessagingWindow);
    const graph = t.app.get(GraphApiClient);

    expect(await windows.state(page.id, psid, t.clock.now())).toMatchObject({ open: false, reason: 'never_wrote' });
    await t.meta.personMessage({ pageId: page.id, psid, text: 'hello' });
    await t.settle();
    expect(await windows.state(page.id, psid, t.clock.now())).toMatchObject({ open: true });
    expect((await graph.sendText(page.accessToken, page.id, psid, 'Thanks for writing!')).ok).toBe(true);

    await t.advance(24 * HOUR);
    expect(await windows.state(page.id, psid, t.clock.now())).toMatchObject({ open: false, reason: 'expired' });
    const late = await graph.sendText(page.accessToken, page.id, psid, 'Still there?');
    expect(late).toMatchObject({ ok: false, error: { kind: 'outside_window' } });
  });

  it('does not let an opt-in tap open the window', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid, text: 'hi' });
    await t.settle();
    const graph = t.app.get(GraphApiClient);
    expect((await graph.sendOptinRequest(page.accessToken, page.id, psid, { title: 'Summer arrivals', payload: 'topic-summer' })).ok).toBe(
      true,
    );
    await t.advance(23 * HOUR);
    await t.meta.personOptin({ pageId: page.id, psid });
    await t.settle();
    await t.advance(2 * HOUR);
    expect(await t.app.get(MessagingWindow).state(page.id, psid, t.clock.now())).toMatchObject({ open: false, reason: 'expired' });
  });

  it('retries a delivery whose listener failed, and keeps it until it succeeds', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    let failuresLeft = 1;
    const flaky = async (e: { psid: string }): Promise<void> => {
      if (e.psid === psid && failuresLeft-- > 0) throw new Error('subscriber store unavailable');
    };
    t.app.get(EventEmitter2).on(MessengerEvents.MessageReceived, flaky);
    await t.meta.personMessage({ pageId: page.id, psid, text: 'hi' });
    await t.settle();
    expect(await lastInboxRow()).toMatchObject({ status: 'pending', last_error: 'subscriber store unavailable' });

    await t.advance(60_000);
    await t.app.get(InboxProcessor).sweep({ recoverAll: false });
    await t.app.get(InboxProcessor).idle();
    t.app.get(EventEmitter2).off(MessengerEvents.MessageReceived, flaky);
    const after = await lastInboxRow();
    expect(after.status).toBe('done');
    expect(Number(after.attempts)).toBe(2);
  });

  it('loses nothing when the process dies between the 200 and processing', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    const at = t.clock.now().getTime();
    const body = messageBody(page.id, psid, `m_crash_${psid}`, at);
    // What a crashed process leaves behind: the delivery stored and acknowledged, never processed.
    const dialect = new SqlDialect(t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN));
    await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query(
        `INSERT INTO webhook_inbox (body_hash, body, status, attempts, received_at, next_attempt_at) VALUES (?, ?, 'pending', 0, ?, ?)`,
        [
          `crash-${psid}`.padEnd(64, '0'),
          t.app.get(TokenCipher).encrypt(body),
          dialect.time(new Date(at)),
          dialect.time(new Date(at + 3600_000)),
        ],
      );
    await t.restart();
    await t.settle();
    expect(await t.app.get(MessagingWindow).state(page.id, psid, t.clock.now())).toMatchObject({ open: true });
  });
});

describe.each(testDatabases())('Webhooks split between an api process and a worker process on %s', (db) => {
  const sqlitePath = join(tmpdir(), `mm-test-split-${randomBytes(6).toString('hex')}.sqlite`);
  let api: TestApp;
  let worker: TestApp | undefined;
  beforeAll(async () => {
    api = await startTestApp(db, { sqlitePath, env: { ROLES: 'api' } });
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  it("stores deliveries in the api process and leaves them to a worker process, which takes them within its sweep's second", async () => {
    const page = await aConnectedPage(api, await aShop(api));
    const psid = aPsid();
    await api.meta.personMessage({ pageId: page.id, psid, text: 'Do you ship to Cebu?' });
    await api.meta.flushWebhooks();
    const [stored] = await api.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT status FROM webhook_inbox ORDER BY id DESC LIMIT 1');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const windows = api.app.get(MessagingWindow);
    expect(stored).toEqual({ status: 'pending' });
    // Nothing is applied by the api process, and a decision there does not guess from the stale row: past
    // FreshState's bound the window is "not known yet" rather than "never wrote".
    expect(await api.app.get(PeopleService).find(page.id, psid)).toBeNull();
    expect(await windows.state(page.id, psid, api.clock.now())).toMatchObject({ open: false, reason: 'webhooks_pending' });

    worker = await startTestApp(db, { sqlitePath, sandbox: api.sandbox, env: { ROLES: 'worker' } });
    const deadline = Date.now() + 5_000;
    while (!(await windows.state(page.id, psid, api.clock.now())).open && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await windows.state(page.id, psid, api.clock.now())).toMatchObject({ open: true });
  });
});
