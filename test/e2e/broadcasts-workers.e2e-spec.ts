import { type DataSource } from 'typeorm';
import { startMessengerSandbox, type RunningSandbox } from '../../libs/messenger-sandbox/src';
import { aShop } from '../helpers/builders';
import { aBroadcastPage, aTopic, replayMarketingEcho, sandboxSendsOf, subscribersOf } from '../helpers/broadcast-builders';
import { fileDatabaseUrl, testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { buildWorkerEntry, spawnWorker, type WorkerProcess } from '../helpers/worker-process';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const HOUR = 3_600_000;
const AUDIENCE = 20_000;
const CONCURRENCY = 24;
const KILLS = 2;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Several worker processes need one shared database: MariaDB only (SQLite is one process by design).
// They use this file's own database, the one startTestApp uses (fileDatabaseUrl).
const databases = testDatabases().filter((db) => db === 'mysql');
const describeMysql = databases.length > 0 ? describe : describe.skip;

describeMysql('Broadcast workers as OS processes on mysql', () => {
  let t: TestApp;
  let sandbox: RunningSandbox;
  let entry: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    entry = await buildWorkerEntry();
    // The workers run on the wall clock; "Meta" and the API start two hours behind it, so a campaign
    // scheduled one hour ahead by the API is due for the workers once Meta's warm-up hour has passed.
    sandbox = await startMessengerSandbox({ port: 0, appSecret: TEST_APP_SECRET, startTime: Date.now() - 2 * HOUR });
    t = await startTestApp('mysql', { sandbox, env: { ROLES: 'api' } });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await t?.close();
    await sandbox?.close();
  });

  it('three workers share a 20,000-recipient campaign; one is killed twice; nobody gets two messages, at most its in-flight sends per kill are missing', async () => {
    const t0 = Date.now();
    const log = (msg: string): void => void process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const subs = await subscribersOf(t, page.id, topic, AUDIENCE);
    log('subscribers ready');
    const tokenOf = new Map(subs.map((s) => [s.subscriptionId, s.token]));
    await t
      .http()
      .put(`/api/pages/${page.id}/broadcast-settings`)
      .set(shop.auth)
      .send({ ratePerSecond: 0, concurrency: CONCURRENCY })
      .expect(200);
    const created = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Mega sale', topicId: topic.id, content: { type: 'text', text: 'Mega sale today!' } })
      .expect(201);
    const scheduled = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns/${created.body.id}/schedule`)
      .set(shop.auth)
      .send({})
      .expect(200);
    const campaignId = created.body.id as string;
    const metaCampaignId = scheduled.body.metaCampaignId as string;
    await t.advance(HOUR);

    const env = {
      DATABASE_URL: await fileDatabaseUrl(),
      GRAPH_API_URL: sandbox.graphUrl,
      META_APP_SECRET: TEST_APP_SECRET,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      META_VERIFY_TOKEN: 'x',
      LOG_LEVEL: 'info',
      DATA_DIR: '/tmp',
    };
    workers.push(...(await Promise.all([1, 2, 3].map(() => spawnWorker(entry, env)))));

    log('workers ready');
    const sent = async (): Promise<number> => (await t.meta.marketingSends({ campaignId: metaCampaignId, limit: 1 })).total;
    // The first worker is killed at 20 % of the audience, started again, and killed again at 45 %.
    const kills: number[] = [];
    for (const [k, share] of [0.2, 0.45].entries()) {
      for (let i = 0; i < 600 && (await sent()) < AUDIENCE * share; i++) await sleep(50);
      if ((await sent()) === 0) throw new Error(`no sends after 30 s; a worker said:\n${workers[1]!.output.join('').slice(-4000)}`);
      const victim = workers[0]!;
      victim.kill('SIGKILL');
      expect(await victim.exited).toBeNull();
      kills.push(await sent());
      log(`kill ${k + 1} at ${kills[k]} sends`);
      if (k === KILLS - 1) break;
      workers.push(victim);
      workers[0] = await spawnWorker(entry, env);
    }
    const atKill = kills.join(', ');
    expect(kills[KILLS - 1]).toBeLessThan(AUDIENCE);

    const ds = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const status = async (): Promise<string> =>
      ((await ds.query('SELECT status FROM campaigns WHERE id = ?', [campaignId])) as Array<{ status: string }>)[0]!.status;
    for (let i = 0; i < 900 && (await status()) !== 'completed'; i++) {
      await sleep(100);
      if (i % 20 === 0) log(`status ${await status()}, sandbox sends ${await sent()}`);
    }
    expect(await status()).toBe('completed');

    const stats = await t.meta.stats();
    expect(stats.duplicateMarketingSends).toBe(0);
    const rows = (await ds.query('SELECT subscription_id, status FROM campaign_deliveries WHERE campaign_id = ?', [campaignId])) as Array<{
      subscription_id: string;
      status: string;
    }>;
    expect(rows).toHaveLength(AUDIENCE);
    const count = (s: string): number => rows.filter((r) => r.status === s).length;
    expect(count('pending') + count('sending')).toBe(0);
    expect(count('sent') + count('skipped') + count('uncertain')).toBe(AUDIENCE);
    // Only sends the killed worker had started can be uncertain: its calls in flight (at most its
    // concurrency) and the answered ones it had not yet written (at most one flush, no more than its
    // concurrency) per kill; what it had claimed but not started went back to pending and was sent.
    expect(count('uncertain')).toBeLessThanOrEqual(2 * CONCURRENCY * KILLS);

    const sandboxSends = await sandboxSendsOf(t, metaCampaignId);
    const sentTokens = new Set(sandboxSends.map((s) => s.token));
    for (const r of rows.filter((r) => r.status === 'sent')) expect(sentTokens.has(tokenOf.get(r.subscription_id)!)).toBe(true);

    // Reconciliation: Meta's echoes of the sends the killed worker made settle those rows; the rest stay uncertain.
    const byToken = new Map(sandboxSends.map((s) => [s.token, s]));
    const uncertain = rows.filter((r) => r.status === 'uncertain');
    const echoed = uncertain.filter((r) => byToken.has(tokenOf.get(r.subscription_id)!));
    for (const r of echoed)
      await replayMarketingEcho(t, page.id, byToken.get(tokenOf.get(r.subscription_id)!)!, metaCampaignId, TEST_APP_SECRET);
    await t.settle();
    const after = (await ds.query(`SELECT status, COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? GROUP BY status`, [
      campaignId,
    ])) as Array<{ status: string; n: string }>;
    const final = Object.fromEntries(after.map((a) => [a.status, Number(a.n)]));
    expect(final.sent).toBe(sandboxSends.length);
    expect(final.uncertain ?? 0).toBe(uncertain.length - echoed.length);
    expect((final.sent ?? 0) + (final.skipped ?? 0) + (final.uncertain ?? 0)).toBe(AUDIENCE);
    // Missing: recipients Meta never got a message for (and not skipped on purpose).
    const missing = AUDIENCE - (final.skipped ?? 0) - sentTokens.size;
    expect(missing).toBeLessThanOrEqual(CONCURRENCY * KILLS);
    expect(sandboxSends.length).toBe(sentTokens.size);
    process.stdout.write(
      `workers: ${AUDIENCE} recipients, killed at ${atKill} sends, uncertain ${uncertain.length} (echoed ${echoed.length}), missing ${missing}, sent ${final.sent}\n`,
    );
  }, 120_000);
});
