import { createHmac } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { MAX_META_UNSUBSCRIBE_ATTEMPTS, MetaUnsubscriber } from '../../src/optins/meta-unsubscriber';
import { SubscriptionsService } from '../../src/optins/subscriptions.service';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aSubscriber, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe.each(testDatabases())('opt-in requests and subscribers on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  const askFor = (shop: TestShop, pageId: string, psid: string, topicId: string) =>
    t.http().post(`/api/pages/${pageId}/optin-requests`).set(shop.auth).send({ psid, topicId });
  const optinRequestsReceived = async (pageId: string, psid: string) =>
    (await t.meta.received(pageId, psid)).filter((item) => item.type === 'notification_messages');
  const subscribers = async (shop: TestShop, pageId: string, topicId: string, query = '') =>
    (await t.http().get(`/api/pages/${pageId}/topics/${topicId}/subscribers${query}`).set(shop.auth).expect(200)).body;

  it('refuses while the window is closed, and sends once the customer writes', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Summer arrivals' });
    const psid = aPsid();

    const refused = await askFor(shop, page.id, psid, topicId).expect(422);
    expect(refused.body).toMatchObject({ error: 'window_closed', details: { rule: 'window_closed' } });
    expect(await optinRequestsReceived(page.id, psid)).toHaveLength(0);

    await aCustomerWhoWrote(t, page.id, psid);
    const sent = await askFor(shop, page.id, psid, topicId).expect(201);
    expect(sent.body.messageId).toEqual(expect.any(String));
    const [received] = await optinRequestsReceived(page.id, psid);
    expect(JSON.stringify(received!.message)).toContain('Summer arrivals');
  });

  it('refuses the same title within 7 days, saying when, and allows it after', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Payday deals' });
    const psid = await aCustomerWhoWrote(t, page.id);
    const first = await askFor(shop, page.id, psid, topicId).expect(201);

    await t.advance(3 * DAY);
    await aCustomerWhoWrote(t, page.id, psid);
    const again = await askFor(shop, page.id, psid, topicId).expect(409);
    expect(again.body.error).toBe('same_title_within_7_days');
    expect(Date.parse(again.body.details.retryAt)).toBe(Date.parse(first.body.sentAt) + 7 * DAY);

    await t.advance(4 * DAY);
    await aCustomerWhoWrote(t, page.id, psid);
    await askFor(shop, page.id, psid, topicId).expect(201);
    expect(await optinRequestsReceived(page.id, psid)).toHaveLength(2);
  });

  it('on Instagram, refuses the 6th request in a day and the 11th title in 7 days', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop, { platform: 'instagram' });
    const topics: string[] = [];
    for (let i = 1; i <= 11; i++) topics.push(await aTopic(t, shop, page.id, { title: `Drop #${i}` }));
    const psid = await aCustomerWhoWrote(t, page.id);

    for (const topicId of topics.slice(0, 5)) await askFor(shop, page.id, psid, topicId).expect(201);
    const sixth = await askFor(shop, page.id, psid, topics[5]!).expect(409);
    expect(sixth.body.error).toBe('instagram_requests_per_day');

    await t.advance(DAY);
    await aCustomerWhoWrote(t, page.id, psid);
    for (const topicId of topics.slice(5, 10)) await askFor(shop, page.id, psid, topicId).expect(201);
    await t.advance(DAY);
    await aCustomerWhoWrote(t, page.id, psid);
    const eleventh = await askFor(shop, page.id, psid, topics[10]!).expect(409);
    expect(eleventh.body.error).toBe('instagram_titles_per_7_days');
    expect(await optinRequestsReceived(page.id, psid)).toHaveLength(10);

    await t.advance(5 * DAY);
    await aCustomerWhoWrote(t, page.id, psid);
    await askFor(shop, page.id, psid, topics[10]!).expect(201);
  });

  it('makes a customer who taps the button a subscriber, with their timezone, and STOP / RESUME flip them', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid, token } = await aSubscriber(t, shop, page.id, topicId);

    let list = await subscribers(shop, page.id, topicId);
    expect(list.items).toEqual([expect.objectContaining({ psid, status: 'active', source: 'optin', timezone: expect.any(String) })]);
    expect(JSON.stringify(list)).not.toContain(token);
    expect(t.logs.join('\n')).not.toContain(token);
    const already = await askFor(shop, page.id, psid, topicId).expect(409);
    expect(already.body.error).toBe('already_subscribed');

    await t.meta.personStop({ pageId: page.id, psid });
    await t.settle();
    list = await subscribers(shop, page.id, topicId);
    expect(list.items[0].status).toBe('stopped');
    expect(list.counts).toMatchObject({ active: 0, stopped: 1 });

    // A minute later (in the same millisecond as the STOP, the STOP would win the tie).
    await t.advance(60_000);
    await t.meta.personResume({ pageId: page.id, psid });
    await t.settle();
    expect((await subscribers(shop, page.id, topicId)).counts).toMatchObject({ active: 1, stopped: 0 });
  });

  it('ignores opt-ins for a Page that is not registered here, and says so once, not once per tap', async () => {
    const pageId = `9${Date.now()}`;
    const optin = (psid: string, n: number) => ({
      sender: { id: psid },
      recipient: { id: pageId },
      timestamp: t.clock.now().getTime() + n,
      optin: { type: 'notification_messages', payload: 'topic-x', title: 'Flash sales', notification_messages_token: `tok-${psid}` },
    });
    const body = JSON.stringify({ object: 'page', entry: [0, 1, 2].map((n) => ({ id: pageId, time: 0, messaging: [optin(aPsid(), n)] })) });
    await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', TEST_APP_SECRET).update(body).digest('hex')}`)
      .send(body)
      .expect(200);
    await t.settle();
    const [{ n }] = await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT COUNT(*) AS n FROM subscriptions WHERE page_id = ?', [pageId]);
    expect(Number(n)).toBe(0);
    expect(t.logs.filter((line) => line.includes('not registered') && line.includes(pageId))).toHaveLength(1);
  });

  it('stops counting a token that carries an expiry at that instant', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    await aSubscriber(t, shop, page.id, topicId, { tokenExpiresInMs: 2 * DAY });
    expect((await subscribers(shop, page.id, topicId)).counts).toMatchObject({ active: 1, expired: 0 });

    await t.advance(2 * DAY - 1000);
    expect((await subscribers(shop, page.id, topicId, '?status=active')).items).toHaveLength(1);
    await t.advance(1000);
    const after = await subscribers(shop, page.id, topicId);
    expect(after.counts).toMatchObject({ active: 0, expired: 1 });
    expect(after.items[0].status).toBe('expired');
  });

  it('marks a subscription from a send error the same way as a webhook', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    await aSubscriber(t, shop, page.id, topicId);
    const [sub] = (await subscribers(shop, page.id, topicId)).items;
    await t.app.get(SubscriptionsService).markFromSend(sub.id, 'stopped', t.clock.now());
    expect((await subscribers(shop, page.id, topicId)).items[0].status).toBe('stopped');
  });

  it("imports a Page's 2,500 existing subscribers across pages of Meta's cursor, once", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    await t.meta.bulkTokens({ pageId: page.id, count: 2500, title: 'Weekly deals', prefix: `${page.id}9` });

    const first = await t.http().post(`/api/pages/${page.id}/subscribers/import`).set(shop.auth).expect(200);
    expect(first.body).toEqual({ listed: 2500, created: 2500, pages: 3 });
    const topics = (await t.http().get(`/api/pages/${page.id}/topics`).set(shop.auth).expect(200)).body;
    expect(topics).toEqual([
      expect.objectContaining({ title: 'Weekly deals', active: false, subscribers: expect.objectContaining({ active: 2500 }) }),
    ]);

    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page1: { items: Array<{ psid: string }>; nextCursor: string | null } = await subscribers(
        shop,
        page.id,
        topics[0].id,
        `?limit=500${cursor ? `&after=${cursor}` : ''}`,
      );
      page1.items.forEach((s) => seen.add(s.psid));
      cursor = page1.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(2500);

    const again = await t.http().post(`/api/pages/${page.id}/subscribers/import`).set(shop.auth).expect(200);
    expect(again.body).toMatchObject({ listed: 2500, created: 0 });
  });

  it('reconciles: a token Meta no longer lists stops being addressed', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    await t.meta.bulkTokens({ pageId: page.id, count: 3, title: 'VIP', prefix: `${page.id}8` });
    await t.http().post(`/api/pages/${page.id}/subscribers/import`).set(shop.auth).expect(200);
    // The STOP webhook is lost (our endpoint unreachable): only the listing tells.
    await t.meta.setWebhookTarget('http://127.0.0.1:9/webhooks/messenger');
    await t.meta.personStop({ pageId: page.id, psid: `${page.id}81` });
    await t.meta.setWebhookTarget(`${t.url}/webhooks/messenger`);
    await t.advance(HOUR);

    const result = await t.http().post(`/api/pages/${page.id}/subscribers/reconcile`).set(shop.auth).expect(200);
    expect(result.body).toMatchObject({ listed: 2, created: 0, unlisted: 1 });
    const [topic] = (await t.http().get(`/api/pages/${page.id}/topics`).set(shop.auth)).body;
    expect(topic.subscribers).toMatchObject({ active: 2, unlisted: 1 });
  });

  it('unsubscribes a customer on request, at Meta too, for good', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);

    const res = await t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({ psid }).expect(200);
    expect(res.body).toEqual({ unsubscribed: 1, meta: { status: 'done', attempts: 1, error: null, nextAttemptAt: null } });
    expect((await subscribers(shop, page.id, topicId)).items[0]).toMatchObject({
      status: 'unsubscribed',
      metaUnsubscribe: { status: 'done', attempts: 1, error: null },
    });
    expect((await t.meta.tokens({ pageId: page.id })).data.filter((x) => x.psid === psid).map((x) => x.status)).toEqual(['UNSUBSCRIBED']);

    await t.meta.personResume({ pageId: page.id, psid });
    await t.settle();
    expect((await subscribers(shop, page.id, topicId)).items[0].status).toBe('unsubscribed');
    const missing = await t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({}).expect(400);
    expect(missing.body.fields[0].field).toBe('psid');
  });

  it('keeps an unsubscribe Meta refused visible as pending with the reason, and a worker started afterwards completes it from the database', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);
    const metaStatus = async () => (await t.meta.tokens({ pageId: page.id })).data.filter((x) => x.psid === psid).map((x) => x.status);

    await t.meta.setFaults({ errorRate: 1 });
    const res = await t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({ psid }).expect(200);
    await t.meta.setFaults({ errorRate: 0 });
    const retryAt = new Date(t.clock.now().getTime() + 60_000).toISOString();
    expect(res.body).toEqual({ unsubscribed: 1, meta: { status: 'pending', attempts: 1, error: 'transient (2)', nextAttemptAt: retryAt } });
    expect((await subscribers(shop, page.id, topicId)).items[0]).toMatchObject({
      status: 'unsubscribed',
      metaUnsubscribe: { status: 'pending', attempts: 1, error: 'transient (2)', nextAttemptAt: retryAt },
    });
    expect(await metaStatus()).toEqual(['ACTIVE']);

    // A worker process that starts now (a restart) finds the pending call in the database, not in memory.
    const worker = db === 'mysql' ? await startTestApp(db, { sandbox: t.sandbox }) : t;
    try {
      expect(await worker.app.get(MetaUnsubscriber).runDue()).toBe(0); // not due before its backoff
      await t.advance(60_000);
      if (worker !== t) worker.clock.set(t.clock.now());
      expect(await worker.app.get(MetaUnsubscriber).runDue()).toBe(1);
    } finally {
      if (worker !== t) await worker.close();
      await t.meta.setWebhookTarget(`${t.url}/webhooks/messenger`);
    }
    expect((await subscribers(shop, page.id, topicId)).items[0].metaUnsubscribe).toEqual({
      status: 'done',
      attempts: 2,
      error: null,
      nextAttemptAt: null,
    });
    expect(await metaStatus()).toEqual(['UNSUBSCRIBED']);
  });

  it('does not count rows Meta could not match (invalid_rows_count) as done: retried with backoff, then failed with the reason', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    // A subscriber we hold whose PSID Meta does not know (e.g. a token from an old import).
    const psid = aPsid();
    await t.app
      .get(SubscriptionsService)
      .recordOptin({ pageId: page.id, psid, topicId, token: `unknown-at-meta-${psid}`, at: t.clock.now() }, null);

    const res = await t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({ psid }).expect(200);
    expect(res.body.meta).toMatchObject({ status: 'pending', attempts: 1, error: 'invalid_rows' });
    for (let attempt = 2; attempt <= MAX_META_UNSUBSCRIBE_ATTEMPTS; attempt++) {
      await t.advance(2 * HOUR);
      expect(await t.app.get(MetaUnsubscriber).runDue()).toBe(1);
    }
    const [row] = (await subscribers(shop, page.id, topicId)).items;
    expect(row).toMatchObject({
      status: 'unsubscribed',
      metaUnsubscribe: { status: 'failed', attempts: MAX_META_UNSUBSCRIBE_ATTEMPTS, error: 'invalid_rows', nextAttemptAt: null },
    });
    await t.advance(2 * HOUR);
    expect(await t.app.get(MetaUnsubscriber).runDue()).toBe(0);
  });

  it('sends exactly one request when two callers ask for the same person and topic at once', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const psid = await aCustomerWhoWrote(t, page.id);
    // A second app process on the same database and the same "Meta" (on SQLite, the same process: one writer).
    const second = db === 'mysql' ? await startTestApp(db, { sandbox: t.sandbox }) : t;
    try {
      const answers = await Promise.all([
        askFor(shop, page.id, psid, topicId),
        second.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId }),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(await optinRequestsReceived(page.id, psid)).toHaveLength(1);
      const rows = await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT status FROM optin_requests WHERE page_id = ? AND psid = ?', [page.id, psid]);
      expect(rows).toEqual([{ status: 'sent' }]);
    } finally {
      if (second !== t) await second.close();
      await t.meta.setWebhookTarget(`${t.url}/webhooks/messenger`);
    }
  });
});
