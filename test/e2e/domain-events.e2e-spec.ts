import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { BroadcastScheduler } from '../../src/broadcasts/broadcast-scheduler';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { TokenCipher } from '../../src/common/token-cipher';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';
import { SqlDialect } from '../../src/database/sql-dialect';
import { DOMAIN_EVENT_TYPES, domainEventName, type DomainEvent, type DomainEventType } from '../../src/integrations/domain-events';
import { DomainEvents } from '../../src/integrations/domain-events.service';
import { hashToken } from '../../src/optins/subscriptions.service';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aBroadcastPage, aTopic as aBroadcastTopic, subscribersOf } from '../helpers/broadcast-builders';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aSubscriber, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Issue 16: a host app subscribed to the plugin's domain events hears each thing that happens, once,
 * after it is committed, and the outbox holds the same envelope for the POS's HTTP endpoints.
 */
describe.each(testDatabases())('domain events on %s', (db) => {
  let t: TestApp;
  const heard: DomainEvent[] = [];
  beforeAll(async () => {
    // No background loops for broadcasts: the campaign test runs the scheduler and the worker itself.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
    const emitter = t.app.get(EventEmitter2);
    for (const type of DOMAIN_EVENT_TYPES) emitter.on(domainEventName(type), (event: DomainEvent) => void heard.push(event));
  });
  afterAll(() => t.close());

  const sql = <T>(query: string, params: unknown[] = []): Promise<T> =>
    t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query(query, params);
  /** What the host heard for this shop, as `type` and the data fields the test names. */
  const heardBy = (shop: TestShop, type?: DomainEventType): DomainEvent[] =>
    heard.filter((e) => e.shopId === shop.id && (type === undefined || e.type === type));
  const outbox = async (shop: TestShop): Promise<DomainEvent[]> =>
    (await sql<Array<{ envelope: string }>>('SELECT envelope FROM domain_events WHERE shop_id = ?', [shop.id])).map(
      (r) => JSON.parse(r.envelope) as DomainEvent,
    );
  const unsubscribe = (shop: TestShop, pageId: string, psid: string) =>
    t.http().post(`/api/pages/${pageId}/subscribers/unsubscribe`).set(shop.auth).send({ psid }).expect(200);
  /** Creates the campaign, schedules it two hours ahead and lets the clock and the scheduler start it; its id. */
  const aStartedCampaign = async (shop: TestShop, pageId: string, campaign: object): Promise<string> => {
    const created = await t.http().post(`/api/pages/${pageId}/campaigns`).set(shop.auth).send(campaign).expect(201);
    const id = created.body.id as string;
    await t
      .http()
      .post(`/api/pages/${pageId}/campaigns/${id}/schedule`)
      .set(shop.auth)
      .send({ at: new Date(t.clock.now().getTime() + 2 * HOUR).toISOString() })
      .expect(200);
    await t.advance(2 * HOUR);
    expect(await t.app.get(BroadcastWorker).tick()).toEqual([id]);
    return id;
  };

  it('tells the host a customer subscribed, stopped, resumed and was unsubscribed by the shop, once each, with the outbox holding the same envelopes', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);

    const [subscribed] = heardBy(shop, 'customer.subscribed');
    expect(subscribed).toMatchObject({
      id: expect.any(String),
      shopId: shop.id,
      orderingKey: `${page.id}:${psid}`,
      data: { pageId: page.id, psid, topicId, subscriptionId: expect.any(String), source: 'optin' },
    });

    await t.advance(MINUTE);
    await t.meta.personStop({ pageId: page.id, psid });
    await t.settle();
    // Meta delivers the same STOP again: nothing moved, nothing heard.
    await t.meta.redeliverWebhook();
    await t.settle();
    await t.advance(MINUTE);
    await t.meta.personResume({ pageId: page.id, psid });
    await t.settle();
    await t.advance(MINUTE);
    await unsubscribe(shop, page.id, psid);
    // The shop's unsubscribe is final: asking again changes nothing and announces nothing.
    await unsubscribe(shop, page.id, psid);

    expect(heardBy(shop).map((e) => e.type)).toEqual([
      'customer.subscribed',
      'customer.stopped',
      'customer.resumed',
      'customer.unsubscribed',
    ]);
    expect(heardBy(shop, 'customer.unsubscribed')[0]!.data).toMatchObject({ psid, topicId, by: 'shop' });
    expect((await outbox(shop)).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))).toEqual(
      heardBy(shop).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)),
    );
  });

  it('says nothing for a STOP older than the RESUME already applied (late webhooks)', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);
    await t.meta.holdWebhooks();
    await t.advance(MINUTE);
    await t.meta.personStop({ pageId: page.id, psid });
    await t.advance(MINUTE);
    await t.meta.personResume({ pageId: page.id, psid });
    // The RESUME arrives first (the row is active: nothing moves), then the older STOP (older than the RESUME: ignored).
    await t.meta.releaseWebhooks([1, 0]);
    await t.settle();
    expect(heardBy(shop).map((e) => e.type)).toEqual(['customer.subscribed']);
  });

  it('tells the host a customer found by the import subscribed, with source import', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const prefix = `imp${randomUUID().slice(0, 6)}_`;
    await t.meta.bulkTokens({ pageId: page.id, count: 2, title: 'Flash sales', prefix });
    await t.http().post(`/api/pages/${page.id}/subscribers/import`).set(shop.auth).expect(200);
    await t.http().post(`/api/pages/${page.id}/subscribers/import`).set(shop.auth).expect(200);
    const events = heardBy(shop, 'customer.subscribed');
    expect(events).toHaveLength(2);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ source: 'import', psid: expect.stringMatching(new RegExp(`^${prefix}`)) }),
      expect.objectContaining({ source: 'import', psid: expect.stringMatching(new RegExp(`^${prefix}`)) }),
    ]);
  });

  it('tells the host an opt-in request was refused, with the rule and the source', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const psid = aPsid();
    await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId }).expect(422);
    expect(heardBy(shop)).toEqual([
      expect.objectContaining({
        type: 'optin.refused',
        orderingKey: `${page.id}:${psid}`,
        data: { pageId: page.id, psid, topicId, rule: 'window_closed', retryAt: null, source: 'api' },
      }),
    ]);
  });

  it('tells the host an order event was dispatched by a rule, or skipped with the reason', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Order confirmed', steps: [{ type: 'optin', topicId }] })
      .expect(201);
    const orderEvent = (psid: string, status = 'CONFIRMED') => ({
      orderId: `PO-${aPsid().slice(-7)}`,
      pageId: page.id,
      customerPsid: psid,
      status,
      occurredAt: t.clock.now().toISOString(),
      total: 125000,
      currency: 'PHP',
    });
    const post = (event: object) => t.http().post('/api/pos/order-events').set(shop.auth).send(event).expect(202);
    const rule = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ orderStatus: 'CONFIRMED', pageId: page.id, topicId, sequenceId: sequence.body.id })
      .expect(201);
    const ruleId = rule.body.id as string;

    const customer = await aCustomerWhoWrote(t, page.id);
    const inactive = orderEvent(customer);
    await post(inactive);
    await t.http().post(`/api/pos-notification-rules/${ruleId}/activate`).set(shop.auth).expect(200);
    const shipped = orderEvent(customer, 'SHIPPED');
    await post(shipped);
    const dispatched = orderEvent(customer);
    await post(dispatched);
    await post(dispatched); // a repeat: a duplicate, nothing new
    const stranger = aPsid();
    const closed = orderEvent(stranger);
    await post(closed);

    // The rule's sequence asks for the opt-in; a second order's run asks again for the same title within 7 days: refused.
    await t.app.get(SequenceWorker).runDue();
    const again = orderEvent(customer, 'CONFIRMED');
    await post(again);
    await t.app.get(SequenceWorker).runDue();

    expect(heardBy(shop).map((e) => [e.type, e.data])).toEqual([
      ['order_event.skipped', expect.objectContaining({ orderId: inactive.orderId, reason: 'inactive_rule', ruleId: null })],
      ['order_event.skipped', expect.objectContaining({ orderId: shipped.orderId, reason: 'no_matching_rule', ruleId: null })],
      ['order_event.dispatched', { pageId: page.id, psid: customer, orderId: dispatched.orderId, status: 'CONFIRMED', ruleIds: [ruleId] }],
      ['order_event.skipped', expect.objectContaining({ orderId: closed.orderId, psid: stranger, reason: 'window_closed', ruleId })],
      ['order_event.dispatched', expect.objectContaining({ orderId: again.orderId, ruleIds: [ruleId] })],
      [
        'optin.refused',
        { pageId: page.id, psid: customer, topicId, rule: 'same_title_within_7_days', retryAt: expect.any(String), source: 'sequence' },
      ],
    ]);
  });

  it('tells the host a campaign started, was paused by the shop, and completed with its counts and cost; a token Meta no longer knows is unsubscribed by Meta', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aBroadcastTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 3);
    // A subscriber whose token Meta cannot load (2300004): invalid after the send.
    const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const now = new SqlDialect(dataSource).time(t.clock.now());
    const lost = { id: randomUUID(), psid: aPsid(), token: `unknown-${randomUUID()}` };
    await sql(
      `INSERT INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, source, opted_in_at, status_changed_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'active', 'Asia/Manila', 'optin', ?, ?, ?)`,
      [lost.id, page.id, lost.psid, topic.id, t.app.get(TokenCipher).encrypt(lost.token), hashToken(lost.token), now, now, now],
    );
    const id = await aStartedCampaign(shop, page.id, {
      name: 'Payday sale',
      topicId: topic.id,
      content: { type: 'text', text: '20% off today!' },
    });
    const path = `/api/pages/${page.id}/campaigns/${id}`;
    const worker = t.app.get(BroadcastWorker);
    await t.http().post(`${path}/pause`).set(shop.auth).expect(200);
    await t.http().post(`${path}/resume`).set(shop.auth).expect(200);
    await t.app.get(BroadcastScheduler).fanOut(id);
    await worker.runPass();
    await worker.runPass();

    const campaignEvents = heardBy(shop).filter((e) => e.type.startsWith('campaign.'));
    expect(campaignEvents.map((e) => [e.type, e.orderingKey, e.data])).toEqual([
      ['campaign.started', `campaign:${id}`, { campaignId: id, pageId: page.id, topicId: topic.id, recipients: 4 }],
      ['campaign.paused', `campaign:${id}`, { campaignId: id, pageId: page.id, topicId: topic.id, reason: 'paused_by_shop' }],
      [
        'campaign.completed',
        `campaign:${id}`,
        {
          campaignId: id,
          pageId: page.id,
          topicId: topic.id,
          sent: 3,
          failed: 0,
          skipped: 1,
          costMinor: 300,
          currency: expect.any(String),
        },
      ],
    ]);
    expect(heardBy(shop, 'customer.unsubscribed').map((e) => e.data)).toEqual([
      { pageId: page.id, psid: lost.psid, topicId: topic.id, subscriptionId: lost.id, by: 'meta' },
    ]);
  });

  it("announces as a segmented campaign's recipients the audience its fan-out takes, not the whole topic", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aBroadcastTopic(t, shop, page.id);
    const subscribers = await subscribersOf(t, page.id, topic, 5);
    for (const s of subscribers.slice(0, 2))
      await t
        .http()
        .put(`/api/pages/${page.id}/customers/${s.psid}/tags`)
        .set(shop.auth)
        .send({ tags: ['vip'] })
        .expect(200);
    const id = await aStartedCampaign(shop, page.id, {
      name: 'VIP preview',
      topicId: topic.id,
      segment: { match: 'all', conditions: [{ type: 'hasTag', tag: 'vip' }] },
      content: { type: 'text', text: 'Our VIPs see the new collection first' },
    });
    await t.app.get(BroadcastWorker).runPass();

    expect(heardBy(shop, 'campaign.started').map((e) => e.data)).toEqual([
      { campaignId: id, pageId: page.id, topicId: topic.id, recipients: 2 },
    ]);
    const progress = await t.http().get(`/api/pages/${page.id}/campaigns/${id}/progress`).set(shop.auth).expect(200);
    expect(progress.body).toMatchObject({ audience: 2, sent: 2 });
  });

  it('emits nothing and keeps nothing for a change that is rolled back', async () => {
    const shop = await aShop(t);
    const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const data = { campaignId: randomUUID(), pageId: 'p', topicId: 'x', reason: 'paused_by_shop' };
    await expect(
      dataSource.transaction(async (em) => {
        await t.app.get(DomainEvents).publish('campaign.paused', { shopId: shop.id }, data, em);
        expect(heardBy(shop)).toEqual([]); // not before the commit either
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(heardBy(shop)).toEqual([]);
    expect(await outbox(shop)).toEqual([]);

    await dataSource.transaction((em) => t.app.get(DomainEvents).publish('campaign.paused', { shopId: shop.id }, data, em));
    expect(heardBy(shop).map((e) => e.data)).toEqual([data]);
    expect(await outbox(shop)).toHaveLength(1);
  });
});
