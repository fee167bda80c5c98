import { startMessengerSandbox, type RunningSandbox } from '../../libs/messenger-sandbox/src';
import { BroadcastScheduler } from '../../src/broadcasts/broadcast-scheduler';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { aPageInput, aShop, type TestShop } from '../helpers/builders';
import { aBroadcastPage, aTopic, setSubscriptionStatus, subscribersOf } from '../helpers/broadcast-builders';
import { fileDatabaseUrl, testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { buildWorkerEntry, spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The value of one series in a Prometheus text exposition (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[3] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(match[4]);
  }
  return 0;
}

async function aCampaignOf(t: TestApp, shop: TestShop, pageId: string, topicId: string, startInMs: number): Promise<string> {
  const created = await t
    .http()
    .post(`/api/pages/${pageId}/campaigns`)
    .set(shop.auth)
    .send({ name: 'Payday sale', topicId, content: { type: 'text', text: '20% off today!' } })
    .expect(201);
  const at = new Date(t.clock.now().getTime() + startInMs).toISOString();
  await t.http().post(`/api/pages/${pageId}/campaigns/${created.body.id}/schedule`).set(shop.auth).send({ at }).expect(200);
  return created.body.id as string;
}

describe.each(testDatabases())('Metrics at /metrics on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());
  const scrape = async (): Promise<string> => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts a campaign’s sends by outcome and its Graph calls, and shows its pending rows while it runs', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const subs = await subscribersOf(t, page.id, topic, 6);
    const campaignId = await aCampaignOf(t, shop, page.id, topic.id, 2 * HOUR);
    const before = await scrape();

    await t.advance(2 * HOUR);
    const worker = t.app.get(BroadcastWorker);
    expect(await worker.tick()).toEqual([campaignId]);
    await t.app.get(BroadcastScheduler).fanOut(campaignId);
    expect(sample(await scrape(), 'mm_campaign_deliveries_pending', { campaign_id: campaignId })).toBe(6);
    // Stopped after the fan-out: its row is skipped at send time, with the reason.
    await setSubscriptionStatus(t, subs[0]!.subscriptionId, 'stopped');
    await worker.runPass();

    const after = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}): number => sample(after, name, labels) - sample(before, name, labels);
    expect(moved('mm_broadcast_sends_total', { outcome: 'sent', reason: '' })).toBe(5);
    expect(moved('mm_broadcast_delivery_results_total', { status: 'sent', reason: '' })).toBe(5);
    expect(moved('mm_broadcast_delivery_results_total', { status: 'skipped', reason: 'subscription_stopped' })).toBe(1);
    expect(moved('mm_graph_calls_total', { method: 'POST', result: 'ok' })).toBeGreaterThanOrEqual(5);
    expect(sample(after, 'mm_campaign_deliveries_pending', { campaign_id: campaignId })).toBe(0);
    expect(after).toMatch(/^mm_process_resident_memory_bytes \d+/m);
  });

  it('counts Graph errors by kind', async () => {
    const before = await scrape();
    // A Page token Meta does not know: Meta answers code 190 and the registration is refused.
    const shop = await aShop(t);
    const refused = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send({ ...aPageInput(), accessToken: `EAAG-page-token-unknown-${Date.now()}` });
    expect(refused.status).toBe(422);
    const after = await scrape();
    expect(sample(after, 'mm_graph_calls_total', { method: 'GET', result: 'error' })).toBeGreaterThan(
      sample(before, 'mm_graph_calls_total', { method: 'GET', result: 'error' }),
    );
    expect(after).toMatch(/^mm_graph_errors_total\{kind="[a-z_]+"\} [1-9]/m);
  });

  it('shows the webhook inbox backlog and the age of its oldest delivery until a worker processes it', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    // An api-only process stores webhooks and leaves them to the workers.
    await t.meta.personMessage({ pageId: page.id, psid: `m${Date.now()}`, text: 'Hello?' });
    await t.meta.flushWebhooks();
    const stored = await scrape();
    expect(sample(stored, 'mm_webhook_inbox_backlog')).toBeGreaterThanOrEqual(1);
    await t.advance(5 * MINUTE);
    expect(sample(await scrape(), 'mm_webhook_inbox_oldest_age_seconds')).toBeGreaterThanOrEqual(300);
    await t.settle();
    const settled = await scrape();
    expect(sample(settled, 'mm_webhook_inbox_backlog')).toBe(0);
    expect(sample(settled, 'mm_webhook_inbox_oldest_age_seconds')).toBe(0);
  });
});

// A worker process shares the database with the API: MariaDB (SQLite is one process by design).
const describeMysql = testDatabases().includes('mysql') ? describe : describe.skip;

describeMysql('Metrics and health on a worker process’s own port (mysql)', () => {
  let t: TestApp;
  let sandbox: RunningSandbox;
  let worker: WorkerProcess | undefined;
  let entry: string;
  beforeAll(async () => {
    // Compiling the shipped code takes a while on a busy machine: done before the test's own clock starts.
    entry = await buildWorkerEntry();
    // The worker runs on the wall clock; Meta and the API two hours behind it, as in broadcasts-workers.
    sandbox = await startMessengerSandbox({ port: 0, appSecret: TEST_APP_SECRET, startTime: Date.now() - 2 * HOUR });
    t = await startTestApp('mysql', { sandbox, env: { ROLES: 'api' } });
  }, 400_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await t?.close();
    await sandbox?.close();
  });

  it('serves /health/ready and /metrics, and its send counters move as it works through a campaign', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 8);
    await t.http().put(`/api/pages/${page.id}/broadcast-settings`).set(shop.auth).send({ ratePerSecond: 0, concurrency: 4 }).expect(200);
    await aCampaignOf(t, shop, page.id, topic.id, HOUR);
    await t.advance(HOUR);

    worker = await spawnWorker(entry, {
      DATABASE_URL: await fileDatabaseUrl(),
      GRAPH_API_URL: sandbox.graphUrl,
      META_APP_SECRET: TEST_APP_SECRET,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      META_VERIFY_TOKEN: 'x',
      // 'worker running' (with its port) is an info line.
      LOG_LEVEL: 'info',
      DATA_DIR: '/tmp',
    });
    const base = `http://127.0.0.1:${worker.httpPort}`;
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, schema: { status: 'up' } } });
    expect((await fetch(`${base}/api/shops`)).status).toBe(404);

    let text = '';
    for (let i = 0; i < 200; i++) {
      text = await (await fetch(`${base}/metrics`)).text();
      if (sample(text, 'mm_broadcast_sends_total', { outcome: 'sent', reason: '' }) >= 8) break;
      await sleep(100);
    }
    expect(sample(text, 'mm_broadcast_sends_total', { outcome: 'sent', reason: '' })).toBe(8);
    expect(sample(text, 'mm_graph_calls_total', { method: 'POST', result: 'ok' })).toBeGreaterThanOrEqual(8);
    expect(text).toContain('mm_webhook_inbox_backlog');
  }, 60_000);
});
