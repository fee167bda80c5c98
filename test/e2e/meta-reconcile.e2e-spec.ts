import { type DataSource } from 'typeorm';
import { GraphApiClient, type MessageCampaign } from '../../libs/graph-api/src';
import { MetaCampaignSync, metaCampaignTag } from '../../src/broadcasts/meta-campaign-sync';
import { SqlDialect } from '../../src/database/sql-dialect';
import { aBroadcastPage, aTopic } from '../helpers/broadcast-builders';
import { aConnectedPage, aShop, aSubscriber, aTopic as aTopicId, type PageInput, type TestShop } from '../helpers/builders';
import { MetaUnsubscriber } from '../../src/optins/meta-unsubscriber';
import { testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The user wait these tests run with (GRAPH_USER_WAIT_MS); the shipped default is 8 s. */
const USER_WAIT_MS = 1500;
/** Longer than any Graph timeout of the app (the broadcast client's 15 s): a create whose answer never comes. */
const STALL_MS = 20_000;

/**
 * Issue 11 §3, "Meta and our rows never disagree": through the HTTP API against the sandbox, with its
 * fault injection (a campaign write done at Meta whose answer never comes, a refused or rate-limited call)
 * and a database trigger standing in for a local write that fails.
 */
describe.each(testDatabases())('Meta and our campaign rows stay in step on %s', (db) => {
  let t: TestApp;
  let meta: GraphApiClient;
  beforeAll(async () => {
    // No background loops: the tests run the reconciler's pass themselves after moving the clock.
    t = await startTestApp(db, { env: { ROLES: 'api', GRAPH_USER_WAIT_MS: String(USER_WAIT_MS) } });
    meta = new GraphApiClient({ baseUrl: t.sandbox.graphUrl, appSecret: TEST_APP_SECRET, retry: { maxAttempts: 1 } });
  });
  afterEach(() => t.meta.setFaults({ stallCampaignWritesNext: 0, rateLimitNext: 0 }));
  afterAll(async () => {
    meta.close();
    await t.close();
  });

  const api = (shop: TestShop) => ({
    post: (path: string, body: object = {}) => t.http().post(path).set(shop.auth).send(body),
    get: (path: string) => t.http().get(path).set(shop.auth),
    patch: (path: string, body: object) => t.http().patch(path).set(shop.auth).send(body),
  });
  const sql = (query: string, params: unknown[] = []): Promise<unknown> =>
    t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query(query, params);

  interface Setup {
    shop: TestShop;
    page: PageInput;
    campaignId: string;
    path: string;
  }
  const aDraft = async (budget?: object): Promise<Setup> => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const created = await api(shop).post(`/api/pages/${page.id}/campaigns`, {
      name: 'Payday sale',
      topicId: topic.id,
      content: { type: 'text', text: 'Hi {{first_name}}, 20% off today!' },
      ...(budget && { budget }),
    });
    expect(created.status).toBe(201);
    return { shop, page, campaignId: created.body.id as string, path: `/api/pages/${page.id}/campaigns/${created.body.id}` };
  };
  const inTwoHours = (): string => new Date(t.clock.now().getTime() + 2 * HOUR).toISOString();

  /** The ad account's campaigns at Meta (the sandbox) that carry our campaign's tag. */
  const metaCampaignsOf = async (s: Setup): Promise<MessageCampaign[]> => {
    const found = await meta.findMessageCampaigns(s.page.systemUserToken!, s.page.adAccountId!, metaCampaignTag(s.campaignId));
    if (!found.ok) throw new Error(`listing campaigns at the sandbox failed: ${found.error.message}`);
    return found.value;
  };
  const metaBudgetOf = async (s: Setup, metaCampaignId: string): Promise<number | undefined> => {
    const read = await meta.readMessageCampaign(s.page.systemUserToken!, metaCampaignId);
    if (!read.ok) throw new Error(`reading the campaign at the sandbox failed: ${read.error.message}`);
    return read.value.lifetimeBudget ?? read.value.dailyBudget;
  };
  const timed = async <T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> => {
    const started = performance.now();
    const value = await call();
    return { value, ms: performance.now() - started };
  };

  /** Whatever local write the trigger names fails, as a full disk or a lost connection would make it. */
  const failLocalWrites = async (name: string, sqliteWhen: string, mysqlWhen: string): Promise<void> => {
    if (db === 'sqlite') {
      await sql(
        `CREATE TRIGGER ${name} BEFORE UPDATE ON campaigns WHEN ${sqliteWhen} BEGIN SELECT RAISE(ABORT, 'injected local failure'); END`,
      );
    } else {
      await sql(
        `CREATE TRIGGER ${name} BEFORE UPDATE ON campaigns FOR EACH ROW BEGIN IF ${mysqlWhen} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected local failure'; END IF; END`,
      );
    }
  };
  const dropTrigger = (name: string): Promise<unknown> => sql(`DROP TRIGGER ${name}`);

  it('answers a schedule whose create at Meta times out within the user wait (202, pending), and scheduling again makes no second Meta campaign', async () => {
    const s = await aDraft({ type: 'lifetime', amount: 5000 });
    await t.meta.setFaults({ stallCampaignWritesNext: 1, stallMs: STALL_MS });

    const first = await timed(() => api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() }));
    expect(first.ms).toBeLessThan(USER_WAIT_MS + 1000);
    expect(first.value.status).toBe(202);
    expect(first.value.body).toMatchObject({
      status: 'scheduled',
      metaCampaignId: null,
      metaSync: { state: 'pending', intent: 'create', attempts: 1, lastError: expect.stringContaining('transient') },
    });
    // Meta kept the campaign although its answer never came.
    expect(await metaCampaignsOf(s)).toHaveLength(1);

    const again = await timed(() => api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() }));
    expect(again.ms).toBeLessThan(USER_WAIT_MS + 1000);
    expect(again.value.status).toBe(200);
    const atMeta = await metaCampaignsOf(s);
    expect(atMeta).toHaveLength(1);
    expect(again.value.body).toMatchObject({
      status: 'scheduled',
      metaCampaignId: atMeta[0]!.id,
      metaSync: { state: 'synced', intent: null },
    });
    expect(atMeta[0]).toMatchObject({ status: 'ACTIVE', lifetimeBudget: 5000 });

    // Done: a third schedule is the ordinary refusal of a non-draft.
    expect((await api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() })).status).toBe(409);
  });

  it('finishes a timed-out create in the reconciler, which finds the campaign at Meta instead of making another', async () => {
    const s = await aDraft();
    await t.meta.setFaults({ stallCampaignWritesNext: 1, stallMs: STALL_MS });
    expect((await api(s.shop).post(`${s.path}/schedule`, {})).status).toBe(202);
    const sync = t.app.get(MetaCampaignSync);

    // Not due yet (backoff): nothing is tried.
    expect(await sync.runDue()).toBe(0);
    await t.advance(MINUTE);
    expect(await sync.runDue()).toBeGreaterThanOrEqual(1);

    const atMeta = await metaCampaignsOf(s);
    expect(atMeta).toHaveLength(1);
    expect((await api(s.shop).get(s.path)).body).toMatchObject({ metaCampaignId: atMeta[0]!.id, metaSync: { state: 'synced' } });
  });

  it('finishes a create left open by a process that died mid-call, after its lease, with one Meta campaign', async () => {
    const s = await aDraft();
    await t.meta.setFaults({ stallCampaignWritesNext: 1, stallMs: STALL_MS });
    expect((await api(s.shop).post(`${s.path}/schedule`, {})).status).toBe(202);
    // What a crash during the call leaves: the claim (lease, no outcome recorded).
    await sql(`UPDATE campaigns SET meta_sync_error = NULL, meta_sync_next_at = ? WHERE id = ?`, [
      new SqlDialect(t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)).time(new Date(t.clock.now().getTime() + 2 * MINUTE)),
      s.campaignId,
    ]);
    // While the lease runs, neither the user nor the reconciler can take it.
    expect((await api(s.shop).patch(s.path, { name: 'Payday sale 2' })).status).toBe(409);
    await t.advance(3 * MINUTE);
    await t.app.get(MetaCampaignSync).runDue();
    expect(await metaCampaignsOf(s)).toHaveLength(1);
    expect((await api(s.shop).get(s.path)).body).toMatchObject({ metaSync: { state: 'synced' }, metaCampaignId: expect.any(String) });
  });

  it('keeps the budget the same on both sides when our write of a scheduled campaign’s new budget fails', async () => {
    const s = await aDraft({ type: 'lifetime', amount: 5000 });
    const scheduled = await api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() });
    expect(scheduled.status).toBe(200);
    const metaId = scheduled.body.metaCampaignId as string;

    await failLocalWrites(
      'fail_budget_write',
      'NEW.budget_amount IS NOT OLD.budget_amount',
      'NOT (NEW.budget_amount <=> OLD.budget_amount)',
    );
    try {
      const changed = await api(s.shop).patch(s.path, { budget: { type: 'lifetime', amount: 9000 } });
      expect(changed.status).toBe(500);
    } finally {
      await dropTrigger('fail_budget_write');
    }
    const ours = await api(s.shop).get(s.path);
    expect(ours.body).toMatchObject({ budget: { amount: 5000 }, metaSync: { state: 'synced' } });
    expect(await metaBudgetOf(s, metaId)).toBe(5000);

    // And the same change, without the fault, lands on both sides.
    const ok = await api(s.shop).patch(s.path, { budget: { type: 'lifetime', amount: 7000 } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ budget: { amount: 7000 }, metaSync: { state: 'synced' } });
    expect(await metaBudgetOf(s, metaId)).toBe(7000);
  });

  it('keeps the budget the same on both sides when Meta took it and our write after Meta’s answer fails; the reconciler closes it', async () => {
    const s = await aDraft({ type: 'daily', amount: 5000 });
    const scheduled = await api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() });
    const metaId = scheduled.body.metaCampaignId as string;

    await failLocalWrites(
      'fail_sync_write',
      "OLD.meta_sync = 'pending' AND NEW.meta_sync = 'synced'",
      "OLD.meta_sync = 'pending' AND NEW.meta_sync = 'synced'",
    );
    try {
      const changed = await api(s.shop).patch(s.path, { budget: { type: 'daily', amount: 8000 } });
      expect(changed.status).toBe(500);
      expect(await metaBudgetOf(s, metaId)).toBe(8000);
      const ours = await api(s.shop).get(s.path);
      expect(ours.body).toMatchObject({ budget: { amount: 8000 }, metaSync: { state: 'pending', intent: 'update' } });
    } finally {
      await dropTrigger('fail_sync_write');
    }
    await t.advance(3 * MINUTE);
    await t.app.get(MetaCampaignSync).runDue();
    expect((await api(s.shop).get(s.path)).body).toMatchObject({ budget: { amount: 8000 }, metaSync: { state: 'synced' } });
    expect(await metaBudgetOf(s, metaId)).toBe(8000);
  });

  it('refuses a bad budget change before Meta is asked: null name and a budget Meta cannot hold change neither side', async () => {
    const s = await aDraft({ type: 'lifetime', amount: 5000 });
    const scheduled = await api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() });
    const metaId = scheduled.body.metaCampaignId as string;
    const before = await t.meta.stats();

    const nullName = await api(s.shop).patch(s.path, { name: null, budget: { type: 'lifetime', amount: 9000 } });
    expect(nullName.status).toBe(400);
    expect(nullName.body.fields?.[0]?.field ?? nullName.body.field).toBe('name');
    const badAmount = await api(s.shop).patch(s.path, { budget: { type: 'lifetime', amount: -1 } });
    expect(badAmount.status).toBe(400);

    expect((await t.meta.stats()).requests).toBe(before.requests);
    expect(await metaBudgetOf(s, metaId)).toBe(5000);
    expect((await api(s.shop).get(s.path)).body.budget).toEqual({ type: 'lifetime', amount: 5000 });
  });

  it('answers a budget change whose answer from Meta times out within the user wait (202) and finishes it later', async () => {
    const s = await aDraft({ type: 'lifetime', amount: 5000 });
    const scheduled = await api(s.shop).post(`${s.path}/schedule`, { at: inTwoHours() });
    const metaId = scheduled.body.metaCampaignId as string;
    await t.meta.setFaults({ stallCampaignWritesNext: 1, stallMs: STALL_MS });

    const changed = await timed(() => api(s.shop).patch(s.path, { budget: { type: 'lifetime', amount: 6000 } }));
    expect(changed.ms).toBeLessThan(USER_WAIT_MS + 1000);
    expect(changed.value.status).toBe(202);
    expect(changed.value.body).toMatchObject({ budget: { amount: 6000 }, metaSync: { state: 'pending', intent: 'update' } });
    expect(await metaBudgetOf(s, metaId)).toBe(6000);

    await t.advance(MINUTE);
    await t.app.get(MetaCampaignSync).runDue();
    expect((await api(s.shop).get(s.path)).body.metaSync).toMatchObject({ state: 'synced', intent: null });
  });

  it('pauses the Meta campaign of a canceled campaign, also one whose create was still unconfirmed', async () => {
    const s = await aDraft();
    await t.meta.setFaults({ stallCampaignWritesNext: 1, stallMs: STALL_MS });
    expect((await api(s.shop).post(`${s.path}/schedule`, {})).status).toBe(202);
    const canceled = await api(s.shop).post(`${s.path}/cancel`);
    expect(canceled.status).toBe(200);
    const atMeta = await metaCampaignsOf(s);
    expect(atMeta).toHaveLength(1);
    expect(atMeta[0]!.status).toBe('PAUSED');
    expect(canceled.body).toMatchObject({ status: 'canceled', metaSync: { state: 'synced' } });
  });

  it('answers an unsubscribe whose call to Meta is slow within the user wait, pending, and the worker completes it', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopicId(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);
    await t.meta.setFaults({ latencyMs: 3 * USER_WAIT_MS });
    try {
      const res = await timed(() => t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({ psid }));
      expect(res.ms).toBeLessThan(USER_WAIT_MS + 1000);
      expect(res.value.status).toBe(200);
      expect(res.value.body).toMatchObject({
        unsubscribed: 1,
        meta: { status: 'pending', attempts: 1, error: expect.stringContaining('transient') },
      });
    } finally {
      await t.meta.setFaults({ latencyMs: 0 });
    }
    await t.advance(MINUTE);
    expect(await t.app.get(MetaUnsubscriber).runDue()).toBe(1);
    const tokens = await t.meta.tokens({ pageId: page.id });
    expect(tokens.data.filter((x) => x.psid === psid).map((x) => x.status)).toEqual(['UNSUBSCRIBED']);
  });
});
