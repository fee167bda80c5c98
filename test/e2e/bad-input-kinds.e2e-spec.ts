import { type DataSource } from 'typeorm';
import { aBroadcastPage, aTopic } from '../helpers/broadcast-builders';
import { aPage, aPageInput, aShop, aSubscriber, registerAtMeta, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

/** Issue 11 §4, kind by kind, with the shop owner's story; the probe (bad-input-probe) covers every route. */
describe.each(testDatabases())('bad input, kind by kind, on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  it('refuses to delete a Page with customer history: 409 naming what holds it, and the Page stays', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    await aSubscriber(t, shop, page.id, topic.id);
    const res = await t.http().delete(`/api/pages/${page.id}`).set(shop.auth).expect(409);
    expect(res.body).toMatchObject({
      error: 'page_in_use',
      fields: [expect.objectContaining({ field: 'pageId' })],
      details: { heldBy: ['optin_requests', 'subscriptions'] },
    });
    expect(typeof res.body.requestId).toBe('string');
    await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(200);
    await t.http().get(`/api/pages/${page.id}/topics/${topic.id}`).set(shop.auth).expect(200);
  });

  it('still deletes a Page without history', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    await aTopic(t, shop, page.id);
    await t.http().delete(`/api/pages/${page.id}`).set(shop.auth).expect(204);
    await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(404);
  });

  it('answers simultaneous registrations of one Page by several shops with 201 or a retryable 503, never a 500, and one holder', async () => {
    const shops = await Promise.all(Array.from({ length: 8 }, (_, i) => aShop(t, `Racer ${i}`)));
    const input = aPageInput();
    await registerAtMeta(t, input);
    const answers = await Promise.all(shops.map((shop) => t.http().post('/api/pages').set(shop.auth).send(input)));
    // Each shop proves the Page with a token Meta confirms: the most recent keeps it (README, "Who holds a Page").
    for (const a of answers) expect([201, 503]).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.body).toMatchObject({ error: 'page_registration_busy' });
    expect(answers.some((a) => a.status === 201)).toBe(true);
    const reads = await Promise.all(shops.map((shop) => t.http().get(`/api/pages/${input.id}`).set(shop.auth)));
    expect(reads.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('answers simultaneous takeovers of a held Page with 201 or a retryable 503, never a 500, and one holder', async () => {
    const holder = await aShop(t, 'Holder');
    const page = await aPage(t, holder);
    await aTopic(t, holder, page.id);
    const shops = await Promise.all(Array.from({ length: 6 }, (_, i) => aShop(t, `Taker ${i}`)));
    const answers = await Promise.all(shops.map((shop) => t.http().post('/api/pages').set(shop.auth).send(page)));
    for (const a of answers) expect([201, 503]).toContain(a.status);
    const reads = await Promise.all([holder, ...shops].map((shop) => t.http().get(`/api/pages/${page.id}`).set(shop.auth)));
    expect(reads.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('answers malformed JSON with the documented body and its requestId, and logs the request', async () => {
    const shop = await aShop(t);
    const res = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'malformed-1')
      .send('{"id": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'invalid_json', message: 'The body is not valid JSON', requestId: 'malformed-1' });
    expect(
      t.logs.some((l) => l.includes('"requestId":"malformed-1"') && l.includes('"status":400') && l.includes('"path":"/api/pages"')),
    ).toBe(true);
  });

  it('refuses a 2 MB body of nested arrays at once, before parsing, and keeps serving meanwhile', async () => {
    const shop = await aShop(t);
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
    const started = Date.now();
    const [res, health] = await Promise.all([
      t.http().post('/api/pages').set(shop.auth).set('Content-Type', 'application/json').send(deep),
      t.http().get('/health/live'),
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'body_too_deep' });
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a body over 2 MB with 413 and the documented body', async () => {
    const shop = await aShop(t);
    const res = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
    expect(typeof res.body.requestId).toBe('string');
  });

  it('refuses a day that does not exist and an instant whose UTC year leaves 1970-9999, naming the field', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const campaign = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Payday', topicId: topic.id, content: { type: 'text', text: 'Sale!' } })
      .expect(201);
    const schedule = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns/${campaign.body.id as string}/schedule`)
      .set(shop.auth)
      .send({ localTime: '09:00', date: '2027-02-30', fallbackTimezone: 'Asia/Manila' })
      .expect(400);
    expect(schedule.body.fields).toEqual([expect.objectContaining({ field: 'date', rule: 'isCalendarDate' })]);

    for (const occurredAt of ['9999-12-31T23:30:00-05:00', '1969-12-31T23:59:59Z', '2026-06-01T09:00:00']) {
      const res = await t
        .http()
        .post('/api/pos/order-events')
        .set(shop.auth)
        .send({ orderId: `PO-${occurredAt}`, pageId: page.id, customerPsid: '6254019384756102', status: 'CONFIRMED', occurredAt })
        .expect(400);
      expect(res.body.fields).toEqual([expect.objectContaining({ field: 'occurredAt', rule: 'isInstant' })]);
    }
    const [{ n }] = (await t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query('SELECT COUNT(*) AS n FROM order_events')) as Array<{
      n: number | string;
    }>;
    expect(Number(n)).toBe(0);
  });

  it('refuses null in an optional field, naming it, and changes nothing (the budget is not half-updated)', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    await t.http().put(`/api/pages/${page.id}/broadcast-settings`).set(shop.auth).send({ periodHours: 24 }).expect(200);
    const res = await t
      .http()
      .put(`/api/pages/${page.id}/broadcast-settings`)
      .set(shop.auth)
      .send({ periodHours: 48, concurrency: null })
      .expect(400);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'concurrency', rule: 'notNull' })]);
    const settings = await t.http().get(`/api/pages/${page.id}/broadcast-settings`).set(shop.auth).expect(200);
    expect(settings.body.periodHours).toBe(24);
  });

  it('refuses an empty array where an object is documented (budget: [], order: [])', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const campaign = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Payday', topicId: topic.id, content: { type: 'text', text: 'Sale!' }, budget: [] })
      .expect(400);
    expect(campaign.body.fields).toEqual([expect.objectContaining({ field: 'budget', rule: 'isObject' })]);
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Hi', steps: [{ type: 'text', text: 'Hi' }] })
      .expect(201);
    const run = await t
      .http()
      .post(`/api/pages/${page.id}/sequences/${sequence.body.id as string}/runs`)
      .set(shop.auth)
      .send({ psid: '6254019384756102', order: [] })
      .expect(400);
    expect(run.body.fields).toEqual([expect.objectContaining({ field: 'order', rule: 'isObject' })]);
  });

  it('refuses a lowercase currency code and a lone surrogate, naming the field', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const lower = await t
      .http()
      .post('/api/pos/order-events')
      .set(shop.auth)
      .send({
        orderId: 'PO-9',
        pageId: page.id,
        customerPsid: '6254019384756102',
        status: 'CONFIRMED',
        occurredAt: t.clock.now().toISOString(),
        currency: 'vnd',
      })
      .expect(400);
    expect(lower.body.fields).toEqual([expect.objectContaining({ field: 'currency' })]);
    const surrogate = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .send('{"title":"Flash \\udc00 sale"}')
      .expect(400);
    expect(surrogate.body.fields).toEqual([expect.objectContaining({ field: 'title', rule: 'wellFormedUnicode' })]);
  });

  /** A one-node flow of the Page (a text): something a keyword or a run can name. */
  const aFlow = async (shop: TestShop, pageId: string): Promise<{ id: string }> =>
    (
      await t
        .http()
        .post(`/api/pages/${pageId}/flows`)
        .set(shop.auth)
        .send({ name: 'Hi', nodes: [{ id: 'hi', type: 'text', text: 'Hi!' }] })
        .expect(201)
    ).body as { id: string };

  it('refuses a made-up PSID in every body that names a person, naming the field, and stores nothing', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const post = (path: string, body: object) => t.http().post(path).set(shop.auth).send(body).expect(400);
    const flow = await aFlow(shop, page.id);
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Hi', steps: [{ type: 'text', text: 'Hi!' }] })
      .expect(201);
    const refusals = [
      [
        'customerPsid',
        await post('/api/pos/order-events', {
          orderId: 'PO-abc',
          pageId: page.id,
          customerPsid: 'abc',
          status: 'CONFIRMED',
          occurredAt: t.clock.now().toISOString(),
        }),
      ],
      ['psid', await post(`/api/pages/${page.id}/flows/${flow.id}/runs`, { psid: 'abc' })],
      ['psid', await post(`/api/pages/${page.id}/sequences/${sequence.body.id as string}/runs`, { psid: 'abc' })],
      ['psid', await post(`/api/pages/${page.id}/optin-requests`, { psid: 'abc', topicId: topic.id })],
    ] as const;
    for (const [field, res] of refusals)
      expect(res.body.fields).toEqual([
        expect.objectContaining({ field, rule: 'matches', message: `${field} must be the numeric PSID or IGSID Meta gave the person` }),
      ]);
    const [{ n }] = (await t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query('SELECT COUNT(*) AS n FROM order_events')) as Array<{
      n: number | string;
    }>;
    expect(Number(n)).toBe(0);
  });

  it('refuses a name, title or text of spaces only, and a keyword phrase with no word, naming the field', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const blank = async (path: string, body: object, field: string) => {
      const res = await t.http().post(path).set(shop.auth).send(body).expect(400);
      expect(res.body.fields).toEqual([
        expect.objectContaining({
          field,
          rule: 'isNotEmpty',
          message: `${field} must have a character other than a space`,
        }),
      ]);
    };
    await blank(`/api/pages/${page.id}/topics`, { title: '   ' }, 'title');
    await blank(`/api/pages/${page.id}/campaigns`, { name: '  ', topicId: topic.id, content: { type: 'text', text: 'Sale!' } }, 'name');
    await blank(
      `/api/pages/${page.id}/segments`,
      { name: '\t', definition: { match: 'all', conditions: [{ type: 'hasTag', tag: 'vip' }] } },
      'name',
    );
    await blank(`/api/pages/${page.id}/flows`, { name: '   ', nodes: [{ id: 'hi', type: 'text', text: 'Hi!' }] }, 'name');
    await blank(`/api/pages/${page.id}/sequences`, { name: 'Hi', steps: [{ type: 'text', text: '   ' }] }, 'steps.0.text');
    const flow = await aFlow(shop, page.id);
    // Keywords match words: a phrase of punctuation or emoji could never fire.
    const noWord = await t
      .http()
      .post(`/api/pages/${page.id}/keywords`)
      .set(shop.auth)
      .send({ phrases: ['sale', '!!!', '🔥🔥'], flowId: flow.id })
      .expect(400);
    expect(noWord.body.fields.map((f: { field: string; rule: string }) => [f.field, f.rule])).toEqual([
      ['phrases.1', 'hasWord'],
      ['phrases.2', 'hasWord'],
    ]);
    expect((await t.http().get(`/api/pages/${page.id}/keywords`).set(shop.auth).expect(200)).body).toEqual([]);
  });

  it('names the body field of an id that is not found', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const res = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Payday', topicId: 'no-such-topic', content: { type: 'text', text: 'Sale!' } })
      .expect(404);
    expect(res.body.fields).toEqual([expect.objectContaining({ field: 'topicId' })]);
  });
});
