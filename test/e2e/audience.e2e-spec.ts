import type { DataSource } from 'typeorm';
import { countAudience } from '../../src/audience/audience-count';
import type { SegmentDefinition } from '../../src/audience/segment-definition';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';
import { SqlDialect } from '../../src/database/sql-dialect';
import { ShopsService } from '../../src/shops/shops.service';
import {
  aBroadcastPage,
  aTopic,
  sandboxSendsOf,
  setSubscriptionStatus,
  setSubscriptionTimezone,
  subscribersOf,
  type TestTopic,
} from '../helpers/broadcast-builders';
import { aCustomerWhoWrote, aPsid, type PageInput, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(testDatabases())('Audience segments on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background loops: each test runs the scheduler tick and the worker's passes itself.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const api = (shop: TestShop) => ({
    post: (path: string, body: object = {}) => t.http().post(path).set(shop.auth).send(body),
    put: (path: string, body: object) => t.http().put(path).set(shop.auth).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set(shop.auth).send(body),
    get: (path: string) => t.http().get(path).set(shop.auth),
    delete: (path: string) => t.http().delete(path).set(shop.auth),
  });

  interface Setup {
    shop: TestShop;
    page: PageInput;
    topic: TestTopic;
  }
  /** A Vietnamese shop (VND) with a broadcast-ready Page and a topic. */
  const aVietnameseShop = async (): Promise<Setup> => {
    const { shop, apiKey } = await t.app.get(ShopsService).createShop('Saigon Linen', { currency: 'VND' });
    const s: TestShop = { id: shop.id, apiKey, auth: { Authorization: `Bearer ${apiKey}` } };
    const page = await aBroadcastPage(t, s);
    return { shop: s, page, topic: await aTopic(t, s, page.id) };
  };

  let orderNo = 0;
  /** The POS posts an order status change, `daysAgo` before the clock's now. */
  const order = async (
    s: Setup,
    psid: string,
    fields: { orderId?: string; status?: string; total?: number; currency?: string; daysAgo: number; items?: object[] },
  ): Promise<string> => {
    const orderId = fields.orderId ?? `SO-${++orderNo}-${Date.now()}`;
    const res = await api(s.shop).post('/api/pos/order-events', {
      orderId,
      pageId: s.page.id,
      customerPsid: psid,
      status: fields.status ?? 'CONFIRMED',
      occurredAt: new Date(t.clock.now().getTime() - fields.daysAgo * DAY).toISOString(),
      ...(fields.total !== undefined && { total: fields.total }),
      ...(fields.currency !== undefined && { currency: fields.currency }),
      ...(fields.items !== undefined && { items: fields.items }),
    });
    expect(res.status).toBe(202);
    return orderId;
  };

  /** Schedules the campaign two hours ahead, lets the clock, the scheduler and one worker pass send it; the PSIDs Meta got it for. */
  const sendCampaign = async (s: Setup, campaignId: string): Promise<string[]> => {
    const scheduled = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${campaignId}/schedule`, {
      at: new Date(t.clock.now().getTime() + 2 * HOUR).toISOString(),
    });
    expect(scheduled.status).toBe(200);
    await t.advance(2 * HOUR);
    const worker = t.app.get(BroadcastWorker);
    expect(await worker.tick()).toEqual([campaignId]);
    await worker.runPass();
    return (await sandboxSendsOf(t, scheduled.body.metaCampaignId as string)).map((x) => x.psid).sort();
  };

  const bigSpenders = {
    match: 'all',
    conditions: [
      { type: 'orderedWithinDays', days: 90 },
      { type: 'spentAtLeast', amount: 1_000_000 },
    ],
  };

  it('"ordered in the last 90 days and spent ≥ 1,000,000 VND" selects exactly the expected subscribers, and the campaign sends only to them', async () => {
    const s = await aVietnameseShop();
    const [oneBigOrder, twoOrders, longAgo, canceled, repeated, otherCurrency, never] = await subscribersOf(t, s.page.id, s.topic, 7);
    await order(s, oneBigOrder!.psid, { total: 1_200_000, daysAgo: 10 });
    await order(s, twoOrders!.psid, { total: 600_000, daysAgo: 80 });
    await order(s, twoOrders!.psid, { total: 500_000, daysAgo: 5 });
    // Spent enough, but the last order is 120 days old.
    await order(s, longAgo!.psid, { total: 2_000_000, daysAgo: 120 });
    // A big order that was canceled counts neither as an order nor as money spent.
    const big = await order(s, canceled!.psid, { total: 1_500_000, daysAgo: 3 });
    await order(s, canceled!.psid, { orderId: big, status: 'CANCELED', daysAgo: 2 });
    // One 900,000 order posted twice and moved through two more statuses: counted once, not 3.6 million.
    const same = await order(s, repeated!.psid, { total: 900_000, daysAgo: 4 });
    await order(s, repeated!.psid, { orderId: same, total: 900_000, daysAgo: 4 });
    await order(s, repeated!.psid, { orderId: same, status: 'SHIPPED', total: 900_000, daysAgo: 3 });
    await order(s, repeated!.psid, { orderId: same, status: 'DELIVERED', daysAgo: 1 });
    // A total in another currency than the shop's is not added up (we do not convert).
    await order(s, otherCurrency!.psid, { total: 5_000_000, currency: 'USD', daysAgo: 1 });
    void never;

    const customer = await api(s.shop).get(`/api/pages/${s.page.id}/customers/${repeated!.psid}`);
    expect(customer.status).toBe(200);
    expect(customer.body.orders).toMatchObject({
      ordersCount: 1,
      totalSpent: 900_000,
      currency: 'VND',
      lastOrderId: same,
      lastStatus: 'DELIVERED',
    });
    const twice = await api(s.shop).get(`/api/pages/${s.page.id}/customers/${twoOrders!.psid}`);
    expect(twice.body.orders).toMatchObject({ ordersCount: 2, totalSpent: 1_100_000 });
    expect(twice.body.orders.firstOrderAt).toBe(new Date(t.clock.now().getTime() - 80 * DAY).toISOString());
    expect(twice.body.orders.lastOrderAt).toBe(new Date(t.clock.now().getTime() - 5 * DAY).toISOString());
    const gone = await api(s.shop).get(`/api/pages/${s.page.id}/customers/${canceled!.psid}`);
    expect(gone.body.orders).toMatchObject({ ordersCount: 0, totalSpent: 0, lastStatus: 'CANCELED', lastOrderAt: null });

    const inline = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segment: bigSpenders });
    expect(inline.status).toBe(200);
    expect(inline.body).toMatchObject({ topicId: s.topic.id, segmentId: null, count: 2 });
    const saved = await api(s.shop).post(`/api/pages/${s.page.id}/segments`, { name: 'Big spenders, 90 days', definition: bigSpenders });
    expect(saved.status).toBe(201);
    const bySaved = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segmentId: saved.body.id });
    expect(bySaved.body).toMatchObject({ segmentId: saved.body.id, count: 2 });

    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Thank you, big spenders',
      topicId: s.topic.id,
      segmentId: saved.body.id,
      content: { type: 'text', text: 'A gift for our best customers' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ segmentId: saved.body.id, segment: null });
    const estimate = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${created.body.id}/estimate`);
    expect(estimate.body).toMatchObject({ audience: 2, ours: { cost: 200 } });
    // The segment cannot go while the campaign may still use it.
    const inUse = await api(s.shop).delete(`/api/pages/${s.page.id}/segments/${saved.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.error).toBe('segment_in_use');

    expect(await sendCampaign(s, created.body.id)).toEqual([oneBigOrder!.psid, twoOrders!.psid].sort());
    const progress = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${created.body.id}/progress`);
    expect(progress.body).toMatchObject({ status: 'completed', audience: 2, sent: 2 });
  });

  it('combines tags the POS sets, items bought, time zones and last status with AND/OR one level deep', async () => {
    const s = await aVietnameseShop();
    const [vip, dressBuyer, vipInHanoi, plain] = await subscribersOf(t, s.page.id, s.topic, 4);
    await setSubscriptionTimezone(t, vipInHanoi!.subscriptionId, 'Asia/Ho_Chi_Minh');
    const tagged = await api(s.shop).put(`/api/pages/${s.page.id}/customers/${vip!.psid}/tags`, { tags: ['VIP', ' wholesale ', 'vip'] });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toEqual(['vip', 'wholesale']);
    await api(s.shop)
      .put(`/api/pages/${s.page.id}/customers/${vipInHanoi!.psid}/tags`, { tags: ['vip'] })
      .expect(200);
    await order(s, dressBuyer!.psid, {
      total: 300_000,
      daysAgo: 1,
      items: [{ name: 'Blue Linen Dress', quantity: 1, category: 'Dresses' }],
    });
    await order(s, plain!.psid, { total: 100_000, daysAgo: 1, status: 'SHIPPED' });
    const count = async (segment: object): Promise<number> => {
      const res = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segment });
      expect(res.status).toBe(200);
      return res.body.count as number;
    };

    expect(
      await count({
        match: 'any',
        conditions: [
          { type: 'hasTag', tag: 'Vip' },
          { type: 'boughtCategory', category: 'dresses' },
        ],
      }),
    ).toBe(3);
    expect(await count({ match: 'all', conditions: [{ type: 'boughtItem', name: 'blue linen dress' }] })).toBe(1);
    expect(
      await count({
        match: 'all',
        conditions: [
          { type: 'hasTag', tag: 'vip' },
          {
            match: 'any',
            conditions: [
              { type: 'timezone', zones: ['Asia/Ho_Chi_Minh'] },
              { type: 'lastStatus', statuses: ['SHIPPED'] },
            ],
          },
        ],
      }),
    ).toBe(1);
    expect(
      await count({
        match: 'all',
        conditions: [
          { type: 'lacksTag', tag: 'vip' },
          { type: 'notOrderedWithinDays', days: 30 },
        ],
      }),
    ).toBe(0);
    // The two VIPs never ordered: "not within 30 days" holds for a customer with no orders at all.
    expect(
      await count({
        match: 'all',
        conditions: [
          { type: 'hasTag', tag: 'vip' },
          { type: 'notOrderedWithinDays', days: 30 },
        ],
      }),
    ).toBe(2);
    const since = (ms: number): object => ({
      match: 'all',
      conditions: [{ type: 'subscribedSince', at: new Date(t.clock.now().getTime() + ms).toISOString() }],
    });
    expect([await count(since(-HOUR)), await count(since(HOUR))]).toEqual([4, 0]);
    expect(await count({ match: 'all', conditions: [{ type: 'lastStatus', statuses: ['SHIPPED'] }] })).toBe(1);
    // Tags are replaced as a whole: the VIP is one no more.
    await api(s.shop).put(`/api/pages/${s.page.id}/customers/${vip!.psid}/tags`, { tags: [] }).expect(200);
    expect(await count({ match: 'all', conditions: [{ type: 'hasTag', tag: 'vip' }] })).toBe(1);
  });

  it("narrows by country through the time zone Meta reported at opt-in: Vietnam's old zone name counts, Bangkok's is Thailand's, no zone is no country", async () => {
    const s = await aVietnameseShop();
    await subscribersOf(t, s.page.id, s.topic, 1, { timezone: 'Asia/Manila' });
    const [saigon] = await subscribersOf(t, s.page.id, s.topic, 1, { timezone: 'Asia/Saigon' });
    await subscribersOf(t, s.page.id, s.topic, 1, { timezone: 'Asia/Bangkok' });
    await subscribersOf(t, s.page.id, s.topic, 1, { timezone: null });
    // One more opts in through Meta's webhook, which reports Ho Chi Minh City's zone.
    const hcmc = aPsid();
    await t.meta.personMessage({ pageId: s.page.id, psid: hcmc, text: 'Chào shop', timezone: 'Asia/Ho_Chi_Minh' });
    await t.settle();
    await api(s.shop).post(`/api/pages/${s.page.id}/optin-requests`, { psid: hcmc, topicId: s.topic.id }).expect(201);
    await t.meta.personOptin({ pageId: s.page.id, psid: hcmc });
    await t.settle();
    const inCountries = (countries: string[]): object => ({ match: 'all', conditions: [{ type: 'country', countries }] });
    const count = async (segment: object): Promise<number> => {
      const res = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segment });
      expect(res.status).toBe(200);
      return res.body.count as number;
    };
    expect(await count(inCountries(['VN']))).toBe(2);
    expect(await count(inCountries(['TH']))).toBe(1);
    expect(await count(inCountries(['PH', 'VN']))).toBe(3);
    // The subscriber who reported no zone is in no country, so all the countries together leave them out.
    expect(await count(inCountries(['PH', 'VN', 'TH']))).toBe(4);
    expect(
      await count({
        match: 'any',
        conditions: [
          { type: 'country', countries: ['PH'] },
          { type: 'timezone', zones: ['Asia/Saigon'] },
        ],
      }),
    ).toBe(2);

    // The campaign's fan-out takes the same people as the count.
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Tết sale',
      topicId: s.topic.id,
      segment: inCountries(['VN']),
      content: { type: 'text', text: 'Giảm 30% dịp Tết' },
    });
    expect(created.status).toBe(201);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${created.body.id}/estimate`)).body).toMatchObject({ audience: 2 });
    expect(await sendCampaign(s, created.body.id)).toEqual([saigon!.psid, hcmc].sort());
  });

  it("updates the summary in the transaction of each matching rule's outbox row: two rules and a repeated event still count one order", async () => {
    const s = await aVietnameseShop();
    const sequence = await api(s.shop).post(`/api/pages/${s.page.id}/sequences`, {
      name: 'Thanks',
      steps: [
        { type: 'text', text: 'Thank you for order {{order.id}}' },
        { type: 'optin', topicId: s.topic.id },
      ],
    });
    expect(sequence.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const rule = await api(s.shop).post('/api/pos-notification-rules', {
        pageId: s.page.id,
        topicId: s.topic.id,
        orderStatus: 'CONFIRMED',
        sequenceId: sequence.body.id,
      });
      expect(rule.status).toBe(201);
      await api(s.shop).post(`/api/pos-notification-rules/${rule.body.id}/activate`).expect(200);
    }
    const psid = await aCustomerWhoWrote(t, s.page.id);
    const event = {
      orderId: `SO-rules-${Date.now()}`,
      pageId: s.page.id,
      customerPsid: psid,
      status: 'CONFIRMED',
      occurredAt: t.clock.now().toISOString(),
      total: 750_000,
    };
    const first = await api(s.shop).post('/api/pos/order-events', event);
    expect(first.body.dispatched).toHaveLength(2);
    const again = await api(s.shop).post('/api/pos/order-events', event);
    expect(again.body.duplicates).toHaveLength(2);
    const customer = await api(s.shop).get(`/api/pages/${s.page.id}/customers/${psid}`);
    expect(customer.body.orders).toMatchObject({ ordersCount: 1, totalSpent: 750_000, lastStatus: 'CONFIRMED' });
  });

  it('keeps every summary right when the POS posts many orders at once, of many customers and several of one', async () => {
    const s = await aVietnameseShop();
    const customers = (await subscribersOf(t, s.page.id, s.topic, 12)).map((x) => x.psid);
    const base = `PO-${Date.now()}-`;
    // Sequential order ids (as a POS numbers them), 12 customers with one order and the first with 5 more.
    const events = [
      ...customers.map((psid, i) => ({ psid, orderId: `${base}${i}` })),
      ...[12, 13, 14, 15, 16].map((n) => ({ psid: customers[0]!, orderId: `${base}${n}` })),
    ];
    const answers = await Promise.all(
      events.map((e) =>
        api(s.shop).post('/api/pos/order-events', {
          orderId: e.orderId,
          pageId: s.page.id,
          customerPsid: e.psid,
          status: 'CONFIRMED',
          occurredAt: t.clock.now().toISOString(),
          total: 200_000,
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(events.map(() => 202));
    const first = await api(s.shop).get(`/api/pages/${s.page.id}/customers/${customers[0]}`);
    expect(first.body.orders).toMatchObject({ ordersCount: 6, totalSpent: 1_200_000 });
    const count = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, {
      topicId: s.topic.id,
      segment: {
        match: 'all',
        conditions: [
          { type: 'ordersAtLeast', count: 1 },
          { type: 'spentAtLeast', amount: 200_000 },
        ],
      },
    });
    expect(count.body.count).toBe(12);
  });

  it('refuses a wrong condition with a 400 naming the field, and a segment of another Page with a 404', async () => {
    const s = await aVietnameseShop();
    const other = await aVietnameseShop();
    const bad = await api(s.shop).post(`/api/pages/${s.page.id}/segments`, {
      name: 'Broken',
      definition: {
        match: 'every',
        conditions: [
          { type: 'orderedWithinDays', days: 0 },
          { type: 'spentAtLeast', amount: 1.5 },
          { type: 'favouriteColour', colour: 'blue' },
          { type: 'timezone', zones: ['Mars/Olympus'] },
          { type: 'country', countries: ['PH', 'Vietnam'] },
          { match: 'any', conditions: [{ match: 'all', conditions: [{ type: 'hasTag', tag: 'vip' }] }] },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((f: { field: string }) => f.field)).toEqual([
      'definition.match',
      'definition.conditions.0.days',
      'definition.conditions.1.amount',
      'definition.conditions.2.type',
      'definition.conditions.3.zones.0',
      'definition.conditions.4.countries.1',
      'definition.conditions.5.conditions.0',
    ]);
    const both = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, {
      topicId: s.topic.id,
      segmentId: 'x',
      segment: bigSpenders,
    });
    expect(both.status).toBe(400);
    expect(both.body.fields[0].field).toBe('segment');
    const theirs = await api(other.shop).post(`/api/pages/${other.page.id}/segments`, { name: 'Theirs', definition: bigSpenders });
    const foreign = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segmentId: theirs.body.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body.fields[0].field).toBe('segmentId');
    const inCampaign = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'x',
      topicId: s.topic.id,
      content: { type: 'text', text: 'hi' },
      segment: { match: 'all', conditions: [{ type: 'ordersAtLeast', count: -1 }] },
    });
    expect(inCampaign.status).toBe(400);
    expect(inCampaign.body.fields[0].field).toBe('segment.conditions.0.count');
  });
  it('refuses a made-up PSID and a bad tag list with a 400 naming the PSID, the list or each bad tag, and keeps the old tags', async () => {
    const s = await aVietnameseShop();
    const [customer] = await subscribersOf(t, s.page.id, s.topic, 1);
    const tags = (psid: string, body: object) => api(s.shop).put(`/api/pages/${s.page.id}/customers/${psid}/tags`, body);
    const fieldsOf = (res: { body: { fields: Array<{ field: string; rule: string }> } }) => res.body.fields.map((f) => [f.field, f.rule]);
    await tags(customer!.psid, { tags: ['vip'] }).expect(200);

    const madeUp = await tags('abc', { tags: ['vip'] });
    expect(madeUp.status).toBe(400);
    expect(fieldsOf(madeUp)).toEqual([['psid', 'matches']]);
    const lookedUp = await api(s.shop).get(`/api/pages/${s.page.id}/customers/7001x`);
    expect(lookedUp.status).toBe(400);
    expect(fieldsOf(lookedUp)).toEqual([['psid', 'matches']]);
    const stored = (await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT psid FROM customer_tags WHERE page_id = ?', [s.page.id])) as Array<{ psid: string }>;
    expect(stored.map((r) => r.psid)).toEqual([customer!.psid]);

    // A string where the list goes is one problem, not also "too many elements".
    const notAList = await tags(customer!.psid, { tags: 'vip' });
    expect(notAList.status).toBe(400);
    expect(notAList.body.fields).toEqual([{ field: 'tags', rule: 'isArray', message: 'tags must be an array of strings' }]);
    // Each bad tag is named by its position, as nested fields are (items.0.price); the good ones are not.
    const badTags = await tags(customer!.psid, { tags: ['vip', 7, '', 'x'.repeat(65), '   ', 'wholesale'] });
    expect(badTags.status).toBe(400);
    expect(fieldsOf(badTags)).toEqual([
      ['tags.1', 'isString'],
      ['tags.2', 'isLength'],
      ['tags.3', 'isLength'],
      ['tags.4', 'isNotEmpty'],
    ]);
    const tooMany = await tags(customer!.psid, { tags: Array.from({ length: 51 }, (_, i) => `tag${i}`) });
    expect(fieldsOf(tooMany)).toEqual([['tags', 'arrayMaxSize']]);
    // Nothing half-written: the customer keeps the tags set before.
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/customers/${customer!.psid}`).expect(200)).body.tags).toEqual(['vip']);
  });

  it("counts the same whichever side MariaDB walks: the topic's subscribers or the Page's order summaries", async () => {
    const s = await aVietnameseShop();
    const otherTopic = await aTopic(t, s.shop, s.page.id);
    const [recent, rich, old, stopped, tagged, hanoi, expired] = await subscribersOf(t, s.page.id, s.topic, 7);
    // A customer of the Page who orders a lot but subscribed only to another topic: never in this audience.
    const [elsewhere] = await subscribersOf(t, s.page.id, otherTopic, 1);
    await setSubscriptionStatus(t, stopped!.subscriptionId, 'stopped');
    await setSubscriptionTimezone(t, hanoi!.subscriptionId, 'Asia/Ho_Chi_Minh');
    await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('UPDATE subscriptions SET token_expires_at = ? WHERE id = ?', [
        new SqlDialect(t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)).time(new Date(t.clock.now().getTime() - HOUR)),
        expired!.subscriptionId,
      ]);
    await api(s.shop)
      .put(`/api/pages/${s.page.id}/customers/${tagged!.psid}/tags`, { tags: ['vip'] })
      .expect(200);
    for (const who of [recent, stopped, hanoi, expired, elsewhere]) await order(s, who!.psid, { total: 1_500_000, daysAgo: 3 });
    await order(s, rich!.psid, { total: 900_000, daysAgo: 10 });
    await order(s, rich!.psid, { total: 900_000, daysAgo: 200 });
    await order(s, old!.psid, { total: 5_000_000, daysAgo: 400 });
    await order(s, tagged!.psid, { total: 200_000, daysAgo: 5, status: 'SHIPPED' });

    const cases: Array<[string, SegmentDefinition, number]> = [
      ['big spenders', bigSpenders as SegmentDefinition, 3], // recent, rich, hanoi
      ['≥ 2 orders', { match: 'all', conditions: [{ type: 'ordersAtLeast', count: 2 }] }, 1],
      [
        'ordered within 30 days, and VIP or in Hanoi',
        {
          match: 'all',
          conditions: [
            { type: 'orderedWithinDays', days: 30 },
            {
              match: 'any',
              conditions: [
                { type: 'hasTag', tag: 'vip' },
                { type: 'timezone', zones: ['Asia/Ho_Chi_Minh'] },
              ],
            },
          ],
        },
        2,
      ],
      [
        'spent ≥ 1,000,000 VND but not within 90 days',
        {
          match: 'all',
          conditions: [
            { type: 'spentAtLeast', amount: 1_000_000 },
            { type: 'notOrderedWithinDays', days: 90 },
          ],
        },
        1,
      ],
      ['last order shipped', { match: 'all', conditions: [{ type: 'lastStatus', statuses: ['SHIPPED'] }] }, 1],
    ];
    const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const at = t.clock.now();
    for (const [name, definition, expected] of cases) {
      const res = await api(s.shop).post(`/api/pages/${s.page.id}/audience/count`, { topicId: s.topic.id, segment: definition });
      const walked = {
        name,
        api: res.body.count as number,
        subscribers: await countAudience(dataSource, s.topic.id, definition, at, 'subscribers'),
        summaries: await countAudience(dataSource, s.topic.id, definition, at, 'summaries'),
      };
      expect(walked).toEqual({ name, api: expected, subscribers: expected, summaries: expected });
    }
  });
  it("a segmented campaign at each subscriber's local hour counts only its audience in each wave before the start", async () => {
    const s = await aVietnameseShop();
    const [manilaBuyer, manilaBrowser, hanoiBuyer] = await subscribersOf(t, s.page.id, s.topic, 3);
    await setSubscriptionTimezone(t, hanoiBuyer!.subscriptionId, 'Asia/Ho_Chi_Minh');
    for (const who of [manilaBuyer, hanoiBuyer]) await order(s, who!.psid, { total: 1_500_000, daysAgo: 3 });
    expect(manilaBrowser).toBeDefined();
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Morning deal for big spenders',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Good morning!' },
      segment: bigSpenders,
    });
    expect(created.status).toBe(201);
    const date = new Date(Math.floor(t.clock.now().getTime() / DAY + 2) * DAY).toISOString().slice(0, 10);
    await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`, { localTime: '09:00', date }).expect(200);
    const progress = (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${created.body.id}/progress`)).body;
    // Manila's browser never ordered: the wave at 09:00 Manila holds one subscriber, not two.
    expect(progress.waves.map((w: { timezones: string[]; waiting: number }) => [w.timezones, w.waiting])).toEqual([
      [['Asia/Manila'], 1],
      [['Asia/Ho_Chi_Minh'], 1],
    ]);
  });
});
