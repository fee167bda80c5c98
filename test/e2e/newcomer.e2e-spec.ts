import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { LOCAL_RUN_SANDBOX_SETTINGS } from '../../src/messenger/local-run-sandbox';
import { aBroadcastPage, aTopic as aBroadcastTopic, setSubscriptionTimezone, subscribersOf } from '../helpers/broadcast-builders';
import { aConnectedPage, aCustomerWhoWrote, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * What a newcomer following the README hit in their first hour, each told as they would tell it and checked through
 * the HTTP API against the sandbox.
 */
describe.each(testDatabases())('The first hour of a newcomer on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // The scheduler and workers run when each test says so, after moving the clock.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const api = (shop: TestShop) => ({
    post: (path: string, body: object = {}) => t.http().post(path).set(shop.auth).send(body),
    get: (path: string) => t.http().get(path).set(shop.auth),
  });
  const worker = (): BroadcastWorker => t.app.get(BroadcastWorker);

  it("sees a campaign's delivered and read move when the sandbox behaves as in the local run (npm start)", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aBroadcastTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 3);
    await t.meta.setSettings(LOCAL_RUN_SANDBOX_SETTINGS);
    try {
      const created = await api(shop).post(`/api/pages/${page.id}/campaigns`, {
        name: 'Payday sale',
        topicId: topic.id,
        content: { type: 'text', text: 'Hi {{first_name}}, 20% off today!' },
      });
      expect(created.status).toBe(201);
      const at = new Date(t.clock.now().getTime() + 2 * HOUR).toISOString();
      expect((await api(shop).post(`/api/pages/${page.id}/campaigns/${created.body.id}/schedule`, { at })).status).toBe(200);
      await t.advance(2 * HOUR);
      await worker().tick();
      await worker().runPass();
      await t.settle();
      const progress = await api(shop).get(`/api/pages/${page.id}/campaigns/${created.body.id}/progress`);
      expect(progress.body).toMatchObject({ status: 'completed', sent: 3, delivered: 3, read: 3 });
    } finally {
      await t.meta.setSettings({ marketingWebhooks: false, marketingReads: false });
    }
  });

  it('an order event that matches only an inactive rule says so, with what to do, besides matchedRules: 0', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Order updates' });
    const sequence = await api(shop).post(`/api/pages/${page.id}/sequences`, { name: 'Thanks', steps: [{ type: 'optin', topicId }] });
    expect(sequence.status).toBe(201);
    const psid = await aCustomerWhoWrote(t, page.id);
    const event = {
      orderId: 'PO-1042',
      pageId: page.id,
      customerPsid: psid,
      status: 'CONFIRMED',
      occurredAt: t.clock.now().toISOString(),
    };

    const noRule = await api(shop).post('/api/pos/order-events', event);
    expect(noRule.status).toBe(202);
    expect(noRule.body).toMatchObject({ matchedRules: 0, inactiveRules: 0, hint: expect.stringContaining('create one') });

    const rule = await api(shop).post('/api/pos-notification-rules', {
      pageId: page.id,
      topicId,
      sequenceId: sequence.body.id,
      orderStatus: 'CONFIRMED',
    });
    expect(rule.body.active).toBe(false);
    const inactiveOnly = await api(shop).post('/api/pos/order-events', { ...event, orderId: 'PO-1043' });
    expect(inactiveOnly.status).toBe(202);
    expect(inactiveOnly.body).toMatchObject({ matchedRules: 0, inactiveRules: 1, dispatched: [] });
    expect(inactiveOnly.body.hint).toContain('/activate');

    await api(shop).post(`/api/pos-notification-rules/${rule.body.id}/activate`).expect(200);
    const active = await api(shop).post('/api/pos/order-events', { ...event, orderId: 'PO-1044' });
    expect(active.body).toMatchObject({ matchedRules: 1, dispatched: [{ ruleId: rule.body.id }] });
    expect(active.body).not.toHaveProperty('hint');
  });

  it("a campaign sent at each subscriber's local hour shows when each zone's wave goes, and the seconds left", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aBroadcastTopic(t, shop, page.id);
    const [, newYork, unknown] = await subscribersOf(t, page.id, topic, 3);
    await setSubscriptionTimezone(t, newYork!.subscriptionId, 'America/New_York');
    await setSubscriptionTimezone(t, unknown!.subscriptionId, null);
    const date = new Date(Math.floor(t.clock.now().getTime() / DAY + 2) * DAY).toISOString().slice(0, 10);
    const created = await api(shop).post(`/api/pages/${page.id}/campaigns`, {
      name: 'Morning deal',
      topicId: topic.id,
      content: { type: 'text', text: 'Good morning!' },
    });
    const scheduled = await api(shop).post(`/api/pages/${page.id}/campaigns/${created.body.id}/schedule`, {
      localTime: '09:00',
      date,
      fallbackTimezone: 'Europe/Berlin',
    });
    expect(scheduled.status).toBe(200);
    const day = Date.parse(`${date}T00:00:00Z`);
    // 09:00 in Manila (UTC+8), Berlin (the fallback, for the subscriber with no zone; UTC+1 in winter, +2 in summer) and New York.
    const manilaAt = new Date(day + 9 * HOUR - 8 * HOUR).toISOString();
    const progressPath = `/api/pages/${page.id}/campaigns/${created.body.id}/progress`;

    const before = (await api(shop).get(progressPath)).body;
    expect(before.status).toBe('scheduled');
    expect(before.waves.map((w: { timezones: string[] }) => w.timezones)).toEqual([
      ['Asia/Manila'],
      ['Europe/Berlin'],
      ['America/New_York'],
    ]);
    expect(before.waves[0]).toEqual({ at: manilaAt, timezones: ['Asia/Manila'], waiting: 1 });
    const lastAt = Date.parse(before.waves[2].at);
    expect(before.secondsLeft).toBe(Math.ceil((lastAt - t.clock.now().getTime()) / 1000));

    // Manila's wave has gone; the other two wait, and the time left is until New York's.
    await t.advance(Date.parse(manilaAt) - t.clock.now().getTime());
    await worker().tick();
    await worker().runPass();
    const during = (await api(shop).get(progressPath)).body;
    expect(during).toMatchObject({ status: 'running', sent: 1, pending: 2 });
    expect(during.waves.map((w: { timezones: string[]; waiting: number }) => [w.timezones, w.waiting])).toEqual([
      [['Europe/Berlin'], 1],
      [['America/New_York'], 1],
    ]);
    expect(during.secondsLeft).toBe(Math.ceil((lastAt - t.clock.now().getTime()) / 1000));
  });
});
