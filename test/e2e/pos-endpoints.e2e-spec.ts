import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BroadcastScheduler } from '../../src/broadcasts/broadcast-scheduler';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { EndpointDeliveryWorker } from '../../src/integrations/delivery/endpoint-delivery-worker';
import type { DomainEvent } from '../../src/integrations/domain-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/integrations/signature';
import { aBroadcastPage, aTopic as aBroadcastTopic } from '../helpers/broadcast-builders';
import { aConnectedPage, aPsid, aShop, aSubscriber, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A POS back end's receiver on a real port: records each request's raw body and headers; can answer 500 or be down. */
class Receiver {
  readonly requests: Array<{ raw: string; headers: IncomingHttpHeaders }> = [];
  answer = 200;
  /** How long it takes to answer (ms), so that posts from two processes overlap. */
  delayMs = 0;
  private server?: Server;
  port = 0;

  async up(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ raw: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        setTimeout(() => res.writeHead(this.answer).end(), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening: connections to its port are refused. */
  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/marketing-messages`;
  }

  /**
   * The events received from the `from`th request on, in arrival order, each checked against `secret` at
   * the app's clock `nowS` (so they must have been signed within the replay window).
   */
  verified(secret: string, nowS: number, from = 0): DomainEvent[] {
    return this.requests.slice(from).map(({ raw, headers }) => {
      const ok = verifySignature(
        secret,
        { timestamp: headers[TIMESTAMP_HEADER] as string, signature: headers[SIGNATURE_HEADER] as string },
        raw,
        nowS,
      );
      if (!ok) throw new Error(`bad signature on ${raw}`);
      return JSON.parse(raw) as DomainEvent;
    });
  }
}

/** Issue 16 "Events out to the POS over HTTP": a POS back end that registered an endpoint gets the events, signed, in order, once. */
describe.each(testDatabases())('events out to a POS endpoint on %s', (db) => {
  let t: TestApp;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    // No background loops: each test runs the delivery worker (and the broadcast worker) after moving the clock.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(async () => {
    await t.close();
    for (const r of receivers) await r.down().catch(() => undefined);
  });

  const aReceiver = async (): Promise<Receiver> => {
    const r = new Receiver();
    await r.up();
    receivers.push(r);
    return r;
  };
  const deliverDue = (): Promise<number> => t.app.get(EndpointDeliveryWorker).runDue();
  const nowS = (): number => Math.floor(t.clock.now().getTime() / 1000);
  const register = async (shop: TestShop, url: string, eventTypes: string[]) => {
    const res = await t
      .http()
      .post('/api/integrations/endpoints')
      .set(shop.auth)
      .send({ url, eventTypes, description: 'Our POS' })
      .expect(201);
    return { id: res.body.id as string, secret: res.body.secret as string };
  };
  const deliveries = async (shop: TestShop, endpointId: string, query = '') =>
    (await t.http().get(`/api/integrations/endpoints/${endpointId}/deliveries${query}`).set(shop.auth).expect(200)).body;

  it('posts signed events for a subscription and a completed campaign, only of the types the endpoint picked', async () => {
    const shop = await aShop(t);
    const receiver = await aReceiver();
    const endpoint = await register(shop, receiver.url, ['customer.subscribed', 'campaign.completed']);
    expect(endpoint.secret).toMatch(/^mmwhsec_/);
    const listed = await t.http().get('/api/integrations/endpoints').set(shop.auth).expect(200);
    expect(listed.body).toEqual([
      expect.objectContaining({ id: endpoint.id, url: receiver.url, eventTypes: ['customer.subscribed', 'campaign.completed'] }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(endpoint.secret);
    expect(t.logs.join('\n')).not.toContain(endpoint.secret);

    const page = await aBroadcastPage(t, shop);
    const topic = await aBroadcastTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topic.id);
    const created = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Payday sale', topicId: topic.id, content: { type: 'text', text: '20% off today!' } })
      .expect(201);
    const campaignId = created.body.id as string;
    await t
      .http()
      .post(`/api/pages/${page.id}/campaigns/${campaignId}/schedule`)
      .set(shop.auth)
      .send({ at: new Date(t.clock.now().getTime() + 2 * HOUR).toISOString() })
      .expect(200);
    await t.advance(2 * HOUR);
    await t.app.get(BroadcastWorker).tick();
    await t.app.get(BroadcastScheduler).fanOut(campaignId);
    await t.app.get(BroadcastWorker).runPass();

    expect(await deliverDue()).toBe(2);
    const events = receiver.verified(endpoint.secret, nowS());
    expect(events.map((e) => e.type).sort()).toEqual(['campaign.completed', 'customer.subscribed']);
    expect(events.find((e) => e.type === 'customer.subscribed')).toMatchObject({ shopId: shop.id, data: { psid, topicId: topic.id } });
    expect(events.find((e) => e.type === 'campaign.completed')).toMatchObject({ data: { campaignId, sent: 1, costMinor: 100 } });
    // Tampered with, or replayed after the window, the same request no longer verifies.
    const [{ raw, headers }] = receiver.requests;
    const sig = { timestamp: headers[TIMESTAMP_HEADER] as string, signature: headers[SIGNATURE_HEADER] as string };
    expect(verifySignature(endpoint.secret, sig, raw.replace('"', ' "'), nowS())).toBe(false);
    expect(verifySignature(endpoint.secret, sig, raw, nowS() + 301)).toBe(false);
    expect(verifySignature('mmwhsec_another', sig, raw, nowS())).toBe(false);

    expect(await deliverDue()).toBe(0);
    expect(receiver.requests).toHaveLength(2);
    const shown = await deliveries(shop, endpoint.id);
    expect(shown.counts).toEqual({ pending: 0, delivering: 0, delivered: 2, failed: 0 });
    expect(shown.items).toEqual([
      expect.objectContaining({ eventType: 'campaign.completed', status: 'delivered', attempts: 1, lastStatus: 200 }),
      expect.objectContaining({ eventType: 'customer.subscribed', status: 'delivered', attempts: 1, lastStatus: 200 }),
    ]);
  });

  it('gets a customer’s events to a receiver that was down (refused, then 500) once it is back, in order, once each', async () => {
    const shop = await aShop(t);
    const receiver = await aReceiver();
    const endpoint = await register(shop, receiver.url, ['customer.subscribed', 'customer.stopped', 'customer.resumed']);
    await receiver.down();

    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);
    await t.advance(MINUTE);
    await t.meta.personStop({ pageId: page.id, psid });
    await t.settle();
    await t.advance(MINUTE);
    await t.meta.personResume({ pageId: page.id, psid });
    await t.settle();

    // Down: only the first of the customer's events is tried; the later ones wait behind it.
    expect(await deliverDue()).toBe(0);
    let shown = await deliveries(shop, endpoint.id);
    expect(shown.items.map((d: { eventType: string; attempts: number; status: string }) => [d.eventType, d.status, d.attempts])).toEqual([
      ['customer.resumed', 'pending', 0],
      ['customer.stopped', 'pending', 0],
      ['customer.subscribed', 'pending', 1],
    ]);
    expect(shown.items[2]).toMatchObject({ lastStatus: null, lastError: 'ECONNREFUSED' });
    // Not due again before its backoff.
    expect(await deliverDue()).toBe(0);
    expect(receiver.requests).toHaveLength(0);

    await receiver.up();
    receiver.answer = 500;
    await t.advance(30_000);
    expect(await deliverDue()).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    shown = await deliveries(shop, endpoint.id, '?status=pending');
    expect(shown.items[2]).toMatchObject({ eventType: 'customer.subscribed', attempts: 2, lastStatus: 500, lastError: 'HTTP 500' });

    receiver.answer = 200;
    await t.advance(MINUTE);
    expect(await deliverDue()).toBe(3);
    expect(await deliverDue()).toBe(0);
    const received = receiver.verified(endpoint.secret, nowS(), 1); // the first request was the 500
    expect(received.map((e) => e.type)).toEqual(['customer.subscribed', 'customer.stopped', 'customer.resumed']);
    expect(new Set(received.map((e) => e.id)).size).toBe(3);
    expect(received.every((e) => e.orderingKey === `${page.id}:${psid}`)).toBe(true);
    expect((await deliveries(shop, endpoint.id)).counts).toMatchObject({ pending: 0, delivered: 3 });
  });

  it('gives an event up after a day of failures, marks it failed, and then lets the next event of its customer go', async () => {
    const shop = await aShop(t);
    const receiver = await aReceiver();
    receiver.answer = 503;
    const endpoint = await register(shop, receiver.url, ['customer.subscribed', 'customer.unsubscribed']);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid } = await aSubscriber(t, shop, page.id, topicId);
    await deliverDue();
    await t.advance(HOUR);
    await t.http().post(`/api/pages/${page.id}/subscribers/unsubscribe`).set(shop.auth).send({ psid }).expect(200);

    for (let hour = 0; hour < 23; hour++) {
      await t.advance(HOUR);
      await deliverDue();
    }
    let shown = await deliveries(shop, endpoint.id);
    expect(shown.items.map((d: { eventType: string; status: string }) => [d.eventType, d.status])).toEqual([
      ['customer.unsubscribed', 'pending'],
      ['customer.subscribed', 'failed'],
    ]);
    expect(shown.items[1].attempts).toBeGreaterThan(20);
    // The next event has been tried since (its own backoff, at most an hour); once the receiver is back it goes.
    receiver.answer = 200;
    await t.advance(HOUR);
    expect(await deliverDue()).toBe(1);
    shown = await deliveries(shop, endpoint.id, '?status=failed');
    expect(shown.items).toEqual([expect.objectContaining({ eventType: 'customer.subscribed', lastStatus: 503 })]);
    // The older requests were signed more than the replay window ago: only the last one verifies now.
    expect(receiver.verified(endpoint.secret, nowS(), receiver.requests.length - 1)).toEqual([
      expect.objectContaining({ type: 'customer.unsubscribed', data: expect.objectContaining({ by: 'shop' }) }),
    ]);
    expect(() => receiver.verified(endpoint.secret, nowS())).toThrow('bad signature');
  });

  it('redelivers an event when the POS asks, with the same event id, for 30 days', async () => {
    const shop = await aShop(t);
    const receiver = await aReceiver();
    const endpoint = await register(shop, receiver.url, ['customer.subscribed']);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    await aSubscriber(t, shop, page.id, topicId);
    expect(await deliverDue()).toBe(1);
    const [first] = receiver.verified(endpoint.secret, nowS());

    const again = await t
      .http()
      .post(`/api/integrations/endpoints/${endpoint.id}/redeliveries`)
      .set(shop.auth)
      .send({ eventId: first!.id })
      .expect(202);
    expect(again.body).toMatchObject({ eventId: first!.id, status: 'pending', attempts: 0, redeliveryOf: expect.any(String) });
    expect(await deliverDue()).toBe(1);
    const [, second] = receiver.verified(endpoint.secret, nowS());
    expect(second).toEqual(first);
    expect((await deliveries(shop, endpoint.id)).counts).toMatchObject({ delivered: 2 });

    // Kept 30 days, then gone with its deliveries.
    await t.advance(31 * 24 * HOUR);
    await deliverDue();
    expect((await deliveries(shop, endpoint.id)).items).toEqual([]);
    await t.http().post(`/api/integrations/endpoints/${endpoint.id}/redeliveries`).set(shop.auth).send({ eventId: first!.id }).expect(404);
  });

  it('posts each event once and in order per customer when two processes deliver at the same time', async () => {
    const shop = await aShop(t);
    const receiver = await aReceiver();
    receiver.delayMs = 20;
    const endpoint = await register(shop, receiver.url, ['order_event.skipped']);
    const page = await aConnectedPage(t, shop);
    // Three customers, each with five order events that no rule matches: three queues of five.
    const customers = [aPsid(), aPsid(), aPsid()];
    for (let n = 0; n < 5; n++)
      for (const psid of customers)
        await t
          .http()
          .post('/api/pos/order-events')
          .set(shop.auth)
          .send({ orderId: `PO-${n}`, pageId: page.id, customerPsid: psid, status: 'CONFIRMED', occurredAt: t.clock.now().toISOString() })
          .expect(202);

    // A second process on the same database (and the same sandbox), its clock in step with ours.
    const second = await startTestApp(db, {
      sandbox: t.sandbox,
      env: { ROLES: 'api' },
      ...(t.config.database.dialect === 'sqlite' && { sqlitePath: t.config.database.path }),
    });
    try {
      second.clock.set(t.clock.now());
      const [a, b] = await Promise.all([deliverDue(), second.app.get(EndpointDeliveryWorker).runDue()]);
      expect(a + b).toBe(15);
    } finally {
      await second.close();
      await t.meta.setWebhookTarget(`${t.url}/webhooks/messenger`);
    }
    const received = receiver.verified(endpoint.secret, nowS());
    expect(new Set(received.map((e) => e.id)).size).toBe(15);
    expect(received).toHaveLength(15);
    for (const psid of customers) {
      const orders = received.filter((e) => e.orderingKey === `${page.id}:${psid}`).map((e) => (e.data as { orderId: string }).orderId);
      expect(orders).toEqual(['PO-0', 'PO-1', 'PO-2', 'PO-3', 'PO-4']);
    }
  });

  it('answers bad input with a 4xx naming the field, and another shop’s endpoint with a 404', async () => {
    const shop = await aShop(t);
    const other = await aShop(t);
    const receiver = await aReceiver();
    const create = (body: object) => t.http().post('/api/integrations/endpoints').set(shop.auth).send(body);
    const fieldsOf = (res: { body: { fields: Array<{ field: string }> } }) => [...new Set(res.body.fields.map((f) => f.field))].sort();

    expect(fieldsOf(await create({ url: 'ftp://pos.example.com/x', eventTypes: ['customer.subscribed'] }).expect(400))).toEqual(['url']);
    expect(fieldsOf(await create({ url: 'file:///etc/passwd', eventTypes: ['customer.subscribed'] }).expect(400))).toEqual(['url']);
    expect(fieldsOf(await create({ url: 'https://user:pw@pos.example.com/x', eventTypes: ['customer.subscribed'] }).expect(400))).toEqual([
      'url',
    ]);
    expect(fieldsOf(await create({ url: receiver.url, eventTypes: ['customer.subscribed', 'customer.teleported'] }).expect(400))).toEqual([
      'eventTypes.1',
    ]);
    expect(fieldsOf(await create({ url: receiver.url, eventTypes: ['customer.subscribed', 'customer.subscribed'] }).expect(400))).toEqual([
      'eventTypes.1',
    ]);
    expect(fieldsOf(await create({ url: receiver.url, eventTypes: [] }).expect(400))).toEqual(['eventTypes']);
    expect(fieldsOf(await create({ eventTypes: ['customer.subscribed'], description: 'x'.repeat(201) }).expect(400))).toEqual([
      'description',
      'url',
    ]);
    expect((await t.http().get('/api/integrations/endpoints').set(shop.auth).expect(200)).body).toEqual([]);

    const mine = await register(shop, receiver.url, ['campaign.completed']);
    const redeliver = (body: object) => t.http().post(`/api/integrations/endpoints/${mine.id}/redeliveries`).set(shop.auth).send(body);
    expect(fieldsOf(await redeliver({ eventId: 'not-an-id' }).expect(400))).toEqual(['eventId']);
    expect(fieldsOf(await redeliver({ eventId: '6f1c1f9e-0d5e-4c38-9a47-6c0f0b1c2d3e' }).expect(404))).toEqual(['eventId']);
    expect(fieldsOf(await t.http().get(`/api/integrations/endpoints/${mine.id}/deliveries?limit=0`).set(shop.auth).expect(400))).toEqual([
      'limit',
    ]);
    const patched = await t
      .http()
      .patch(`/api/integrations/endpoints/${mine.id}`)
      .set(shop.auth)
      .send({ eventTypes: ['campaign.paused'] })
      .expect(200);
    expect(patched.body).toMatchObject({ url: receiver.url, eventTypes: ['campaign.paused'] });

    const theirs = t.http();
    const notFound = await theirs.get(`/api/integrations/endpoints/${mine.id}`).set(other.auth).expect(404);
    expect(fieldsOf(notFound)).toEqual(['endpointId']);
    await t.http().delete(`/api/integrations/endpoints/${mine.id}`).set(other.auth).expect(404);
    await t.http().get(`/api/integrations/endpoints/${mine.id}/deliveries`).set(other.auth).expect(404);
    await t.http().delete(`/api/integrations/endpoints/${mine.id}`).set(shop.auth).expect(204);
    await t.http().get(`/api/integrations/endpoints/${mine.id}`).set(shop.auth).expect(404);
  });
});
