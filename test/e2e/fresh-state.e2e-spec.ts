import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aConnectedPage, aPsid, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { startWebhookBurst } from '../helpers/webhook-burst';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Webhook intake answers Meta first and processes later; a decision must still see what Meta was
 * already answered for. These stories drive the app as a POS would, with other customers' webhooks
 * pouring in through the real signed endpoint.
 */
describe.each(testDatabases())('Decisions on fresh state on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(async () => {
    await t.close();
  });

  const runDue = (): Promise<number> => t.app.get(SequenceWorker).runDue();
  const optinRequests = async (pageId: string, psid: string) =>
    (await t.meta.received(pageId, psid)).filter((r) => r.type === 'notification_messages');

  /** A shop, a Page, a topic, a sequence "thank-you text, then the MM button", and an active CONFIRMED rule. */
  async function aShopWithActiveRule(): Promise<{ shop: TestShop; pageId: string; topicId: string; ruleId: string }> {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Order updates and promos' });
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({
        name: 'Order confirmed',
        steps: [
          { type: 'text', text: 'Salamat! Order {{order.id}} is confirmed.' },
          { type: 'optin', topicId },
        ],
      })
      .expect(201);
    const rule = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ pageId: page.id, topicId, sequenceId: sequence.body.id, orderStatus: 'CONFIRMED' })
      .expect(201);
    await t.http().post(`/api/pos-notification-rules/${rule.body.id}/activate`).set(shop.auth).expect(200);
    return { shop, pageId: page.id, topicId, ruleId: rule.body.id as string };
  }

  const orderEvent = (pageId: string, psid: string, orderId = `PO-${aPsid().slice(-7)}`) => ({
    orderId,
    pageId,
    customerPsid: psid,
    status: 'CONFIRMED',
    previousStatus: 'NEW',
    occurredAt: t.clock.now().toISOString(),
    customerName: 'Maria',
  });
  const postEvent = (shop: TestShop, event: object) => t.http().post('/api/pos/order-events').set(shop.auth).send(event);

  /** The customer writes; Meta posts the webhook and gets its 200. Nothing waits for processing. */
  async function customerWritesAndMetaIsAnswered(pageId: string): Promise<string> {
    const psid = aPsid();
    await t.meta.personMessage({ pageId, psid, text: 'Hi! I just ordered the blue linen dress' });
    const counts = await t.meta.flushWebhooks();
    expect(counts.failed).toBe(0);
    return psid;
  }

  it("with other customers' webhooks pouring in, a customer writes and the order confirmed a moment later sends the MM button", async () => {
    const { shop, pageId, ruleId } = await aShopWithActiveRule();
    const burst = startWebhookBurst(t, pageId, 300);
    let psid: string;
    try {
      await sleep(1_000);
      psid = await customerWritesAndMetaIsAnswered(pageId);
      const accepted = await postEvent(shop, orderEvent(pageId, psid)).expect(202);
      expect(accepted.body).toMatchObject({ matchedRules: 1, dispatched: [{ ruleId }], skipped: [], duplicates: [] });
      await sleep(300);
    } finally {
      const { sent, answered200 } = await burst.stop();
      expect(answered200).toBe(sent);
    }
    await runDue();
    expect((await t.meta.received(pageId, psid)).map((r) => r.type)).toEqual(['text', 'notification_messages']);
  });

  it("with other customers' webhooks pouring in, the opt-in request API right after a customer's message sends the button", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const burst = startWebhookBurst(t, page.id, 300);
    let psid: string;
    try {
      await sleep(1_000);
      psid = await customerWritesAndMetaIsAnswered(page.id);
      const check = await t.http().get(`/api/pages/${page.id}/optin-requests/check`).query({ psid, topicId }).set(shop.auth).expect(200);
      expect(check.body).toEqual({ allowed: true });
      const sent = await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId });
      expect(sent.status).toBe(201);
    } finally {
      await burst.stop();
    }
    expect(await optinRequests(page.id, psid)).toHaveLength(1);
  });

  it('asks again for an order event that was skipped: still skipped while the customer has not written, then one button once they have', async () => {
    const { shop, pageId, ruleId } = await aShopWithActiveRule();
    const psid = aPsid();
    const event = orderEvent(pageId, psid);

    const first = await postEvent(shop, event).expect(202);
    expect(first.body).toMatchObject({
      dispatched: [],
      skipped: [{ ruleId, reason: 'window_closed', detail: 'never_wrote' }],
      duplicates: [],
    });
    const again = await postEvent(shop, event).expect(202);
    expect(again.body).toMatchObject({
      dispatched: [],
      skipped: [{ ruleId, reason: 'window_closed', detail: 'never_wrote' }],
      duplicates: [],
    });

    await t.meta.personMessage({ pageId, psid, text: 'Is my order confirmed?' });
    await t.meta.flushWebhooks();
    // Three POS retries at once: one turns the skipped event into a dispatch, the others are duplicates.
    const answers = await Promise.all([1, 2, 3].map(() => postEvent(shop, event).expect(202)));
    const dispatched = answers.flatMap((a) => a.body.dispatched as Array<{ ruleId: string }>);
    expect(dispatched).toEqual([{ ruleId, runId: expect.any(String) }]);
    expect(answers.flatMap((a) => a.body.duplicates)).toEqual([ruleId, ruleId]);
    expect(answers.flatMap((a) => a.body.skipped)).toEqual([]);
    const later = await postEvent(shop, event).expect(202);
    expect(later.body).toMatchObject({ dispatched: [], skipped: [], duplicates: [ruleId] });

    await runDue();
    expect(await optinRequests(pageId, psid)).toHaveLength(1);
    const stats = await t.http().get(`/api/pos-notification-rules/${ruleId}/stats`).set(shop.auth).expect(200);
    expect(stats.body).toMatchObject({ eventsMatched: 1, dispatches: 1, optinRequestsSent: 1, skippedByReason: {} });
  });

  /** An `api`-only app (it only stores webhooks) with the material of a CONFIRMED rule whose sequence is the MM button. */
  async function anApiOnlyAppWithRule(): Promise<{ api: TestApp; shop: TestShop; pageId: string; ruleId: string }> {
    const api = await startTestApp(db, { env: { ROLES: 'api' }, sandbox: t.sandbox });
    const shop = await aShop(api);
    const page = await aConnectedPage(api, shop);
    const topicId = await aTopic(api, shop, page.id);
    const sequence = await api
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Button', steps: [{ type: 'optin', topicId }] })
      .expect(201);
    const rule = await api
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ pageId: page.id, topicId, sequenceId: sequence.body.id, orderStatus: 'CONFIRMED' })
      .expect(201);
    await api.http().post(`/api/pos-notification-rules/${rule.body.id}/activate`).set(shop.auth).expect(200);
    return { api, shop, pageId: page.id, ruleId: rule.body.id as string };
  }

  // On SQLite nothing else processes this app's file: the API process may only store, so it waits, bounded.
  (db === 'sqlite' ? it : it.skip)(
    'an API-only process with no worker to apply the delivery answers 503 webhooks_pending after its bound, stores nothing, and the retry dispatches',
    async () => {
      const { api, shop, pageId, ruleId } = await anApiOnlyAppWithRule();
      try {
        const psid = aPsid();
        await api.meta.personMessage({ pageId, psid, text: 'Hello' });
        await api.meta.flushWebhooks();
        const event = orderEvent(pageId, psid);

        const started = Date.now();
        const refused = await api.http().post('/api/pos/order-events').set(shop.auth).send(event).expect(503);
        expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
        expect(refused.body).toMatchObject({ error: 'webhooks_pending', details: { retryAt: expect.any(String) } });
        const events = await api.http().get(`/api/pos-notification-rules/${ruleId}/events`).set(shop.auth).expect(200);
        expect(events.body).toEqual([]);

        // A worker's sweep applies the delivery (settle stands in for one); the POS's retry goes through.
        await api.settle();
        const retried = await api.http().post('/api/pos/order-events').set(shop.auth).send(event).expect(202);
        expect(retried.body).toMatchObject({ dispatched: [{ ruleId }], skipped: [] });
      } finally {
        await api.close();
      }
    },
    30_000,
  );

  // On MariaDB the suite's app is a worker on the same database: another process, with its own pool.
  (db === 'mysql' ? it : it.skip)(
    "an API-only process decides right after the customer's message: a worker on the same database applies the delivery it waits for, and sends the button",
    async () => {
      const { api, shop, pageId, ruleId } = await anApiOnlyAppWithRule();
      try {
        const burst = startWebhookBurst(api, pageId, 300);
        let psid: string;
        try {
          await sleep(1_000);
          psid = aPsid();
          await api.meta.personMessage({ pageId, psid, text: 'Hello' });
          await api.meta.flushWebhooks();
          const accepted = await api.http().post('/api/pos/order-events').set(shop.auth).send(orderEvent(pageId, psid)).expect(202);
          expect(accepted.body).toMatchObject({ dispatched: [{ ruleId }], skipped: [] });
        } finally {
          await burst.stop();
        }
        // The worker (the suite's app) sends the run's step.
        for (let i = 0; i < 100 && (await optinRequests(pageId, psid)).length === 0; i++) await sleep(100);
        expect(await optinRequests(pageId, psid)).toHaveLength(1);
      } finally {
        await api.close();
      }
    },
    30_000,
  );
});
