import { EventEmitter2 } from '@nestjs/event-emitter';
import { PosOrderEvents, type PosOrderStatusChanged } from '../../src/pos-notifications/pos-order-events';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

const HOUR = 3600_000;

describe.each(testDatabases())('POS notification rules on %s', (db) => {
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

  /** A shop with a Page, a topic, and a sequence "thank-you text, then the topic's MM button". */
  async function aShopWithRuleMaterial() {
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
          { type: 'text', text: 'Salamat {{customer.name}}! Order {{order.id}} is confirmed: {{order.items}}, {{order.total}}.' },
          { type: 'optin', topicId },
        ],
      })
      .expect(201);
    return { shop, page, topicId, sequenceId: sequence.body.id as string };
  }

  async function anActiveRule(
    shop: TestShop,
    input: { pageId: string; topicId: string; sequenceId: string; orderStatus?: string },
  ): Promise<string> {
    const created = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ orderStatus: 'CONFIRMED', ...input })
      .expect(201);
    expect(created.body.active).toBe(false);
    await t.http().post(`/api/pos-notification-rules/${created.body.id}/activate`).set(shop.auth).expect(200);
    return created.body.id as string;
  }

  const orderEvent = (pageId: string, psid: string, overrides: object = {}) => ({
    orderId: `PO-${aPsid().slice(-7)}`,
    pageId,
    customerPsid: psid,
    status: 'CONFIRMED',
    previousStatus: 'NEW',
    occurredAt: t.clock.now().toISOString(),
    customerName: 'Maria',
    total: 125000,
    currency: 'PHP',
    items: [
      { name: 'Blue linen dress', quantity: 2 },
      { name: 'Straw hat', quantity: 1 },
    ],
    ...overrides,
  });
  const postEvent = (shop: TestShop, event: object) => t.http().post('/api/pos/order-events').set(shop.auth).send(event);
  const stats = async (shop: TestShop, ruleId: string) =>
    (await t.http().get(`/api/pos-notification-rules/${ruleId}/stats`).set(shop.auth).expect(200)).body;

  it('a customer who wrote today confirms an order, receives the thank-you and the MM button, taps it and becomes a subscriber', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    const event = orderEvent(page.id, psid);

    const accepted = await postEvent(shop, event).expect(202);
    expect(accepted.body).toMatchObject({ orderId: event.orderId, matchedRules: 1, dispatched: [{ ruleId }], skipped: [], duplicates: [] });
    await runDue();

    const received = await t.meta.received(page.id, psid);
    expect(received.map((r) => r.type)).toEqual(['text', 'notification_messages']);
    expect(JSON.stringify(received[0]!.message)).toContain(
      `Salamat Maria! Order ${event.orderId} is confirmed: 2 × Blue linen dress, 1 × Straw hat, ₱1,250.00.`,
    );
    expect(JSON.stringify(received[1]!.message)).toContain('Order updates and promos');

    await t.meta.personOptin({ pageId: page.id, psid });
    await t.settle();
    const subscribers = await t.http().get(`/api/pages/${page.id}/topics/${topicId}/subscribers`).set(shop.auth).expect(200);
    expect(subscribers.body.items.map((s: { psid: string }) => s.psid)).toEqual([psid]);
    expect(await stats(shop, ruleId)).toEqual({
      ruleId,
      eventsMatched: 1,
      dispatches: 1,
      optinRequestsSent: 1,
      skippedByReason: {},
      subscriptions: 1,
    });
  });

  it('sends one button when the POS posts the same event three times at once and sets the status back and forth', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    const event = orderEvent(page.id, psid);

    const answers = await Promise.all([postEvent(shop, event), postEvent(shop, event), postEvent(shop, event)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.map((a) => a.body.dispatched.length).sort()).toEqual([0, 0, 1]);
    expect(answers.flatMap((a) => a.body.duplicates)).toEqual([ruleId, ruleId]);
    await postEvent(shop, { ...event, status: 'PACKING', previousStatus: 'CONFIRMED' }).expect(202);
    const back = await postEvent(shop, { ...event, status: 'CONFIRMED', previousStatus: 'PACKING' }).expect(202);
    expect(back.body).toMatchObject({ matchedRules: 1, dispatched: [], duplicates: [ruleId] });
    await runDue();

    expect(await optinRequests(page.id, psid)).toHaveLength(1);
    expect(await stats(shop, ruleId)).toMatchObject({ eventsMatched: 1, dispatches: 1, optinRequestsSent: 1 });
  });

  it('sends nothing for an inactive rule, nor after the rule is deactivated', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ pageId: page.id, topicId, sequenceId, orderStatus: 'CONFIRMED' })
      .expect(201);
    const psid = await aCustomerWhoWrote(t, page.id);
    const never = await postEvent(shop, orderEvent(page.id, psid)).expect(202);
    expect(never.body).toMatchObject({ matchedRules: 0, dispatched: [] });

    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId, orderStatus: 'SHIPPED' });
    await t.http().post(`/api/pos-notification-rules/${ruleId}/deactivate`).set(shop.auth).expect(200);
    const after = await postEvent(shop, orderEvent(page.id, psid, { status: 'SHIPPED' })).expect(202);
    expect(after.body).toMatchObject({ matchedRules: 0, dispatched: [] });
    await runDue();
    expect(await t.meta.received(page.id, psid)).toEqual([]);
  });

  it('records a customer outside the window as skipped, with the reason, on the rule', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const stranger = aPsid();
    const lapsed = await aCustomerWhoWrote(t, page.id);
    await t.advance(25 * HOUR);

    const first = await postEvent(shop, orderEvent(page.id, stranger)).expect(202);
    expect(first.body).toMatchObject({
      matchedRules: 1,
      dispatched: [],
      skipped: [{ ruleId, reason: 'window_closed', detail: 'never_wrote' }],
    });
    const second = await postEvent(shop, orderEvent(page.id, lapsed, { orderId: 'PO-LAPSED-1' })).expect(202);
    expect(second.body.skipped).toEqual([{ ruleId, reason: 'window_closed', detail: 'expired' }]);
    await runDue();

    expect(await t.meta.received(page.id, stranger)).toEqual([]);
    expect(await optinRequests(page.id, lapsed)).toEqual([]);
    expect(await stats(shop, ruleId)).toMatchObject({
      eventsMatched: 2,
      dispatches: 0,
      optinRequestsSent: 0,
      skippedByReason: { window_closed: 2 },
    });
    const skipped = await t.http().get(`/api/pos-notification-rules/${ruleId}/events?outcome=skipped`).set(shop.auth).expect(200);
    expect(skipped.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          orderId: 'PO-LAPSED-1',
          psid: lapsed,
          outcome: 'skipped',
          skipReason: 'window_closed',
          skipDetail: 'expired',
          runId: null,
        }),
      ]),
    );
  });

  it("counts a button the opt-in policy refuses under the policy's rule, and still sends the rest", async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    await postEvent(shop, orderEvent(page.id, psid, { orderId: 'PO-FIRST' })).expect(202);
    await runDue();
    await t.meta.personOptin({ pageId: page.id, psid });
    await t.settle();

    const second = await postEvent(shop, orderEvent(page.id, psid, { orderId: 'PO-SECOND' })).expect(202);
    await runDue();
    const run = await t
      .http()
      .get(`/api/pages/${page.id}/sequences/${sequenceId}/runs/${second.body.dispatched[0].runId}`)
      .set(shop.auth)
      .expect(200);
    expect(run.body.steps.map((s: { status: string; skipRule: string | null }) => [s.status, s.skipRule])).toEqual([
      ['sent', null],
      ['skipped', 'already_subscribed'],
    ]);
    expect(run.body.status).toBe('completed');
    expect(await optinRequests(page.id, psid)).toHaveLength(1);
    expect(await stats(shop, ruleId)).toMatchObject({
      dispatches: 2,
      optinRequestsSent: 1,
      skippedByReason: { already_subscribed: 1 },
      subscriptions: 1,
    });
  });

  it('fires a delayed MM button after the app restarts, when its time comes and not before', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    await t
      .http()
      .patch(`/api/pages/${page.id}/sequences/${sequenceId}`)
      .set(shop.auth)
      .send({
        steps: [
          { type: 'text', text: 'Order {{order.id}} confirmed!' },
          { type: 'optin', topicId, delaySeconds: 2 * 3600 },
        ],
      })
      .expect(200);
    await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    await postEvent(shop, orderEvent(page.id, psid)).expect(202);
    await runDue();
    expect((await t.meta.received(page.id, psid)).map((r) => r.type)).toEqual(['text']);

    await t.restart();
    await t.advance(HOUR);
    await t.app.get(SequenceWorker).runDue();
    expect(await optinRequests(page.id, psid)).toHaveLength(0);
    await t.advance(HOUR);
    await t.app.get(SequenceWorker).runDue();
    expect(await optinRequests(page.id, psid)).toHaveLength(1);
  });

  it('sends on its own, without runDue, when the worker loop is left to do it', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    await postEvent(shop, orderEvent(page.id, psid)).expect(202);
    const deadline = Date.now() + 5_000;
    while ((await optinRequests(page.id, psid)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await optinRequests(page.id, psid)).toHaveLength(1);
  });

  it('takes an order event from an embedding POS on the event emitter, through the same handler', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const psid = await aCustomerWhoWrote(t, page.id);
    const { occurredAt, ...fields } = orderEvent(page.id, psid);
    const event: PosOrderStatusChanged = {
      ...fields,
      status: 'CONFIRMED',
      previousStatus: 'NEW',
      shopId: shop.id,
      occurredAt: new Date(occurredAt),
    };

    const [result] = await t.app.get(EventEmitter2).emitAsync(PosOrderEvents.StatusChanged, event);
    expect(result).toMatchObject({ matchedRules: 1, dispatched: [{ ruleId }] });
    const overHttp = await postEvent(shop, { ...fields, occurredAt }).expect(202);
    expect(overHttp.body).toMatchObject({ dispatched: [], duplicates: [ruleId] });
    await expect(t.app.get(EventEmitter2).emitAsync(PosOrderEvents.StatusChanged, { ...event, status: 'PAID' })).rejects.toMatchObject({
      problems: [expect.objectContaining({ field: 'status', rule: 'isIn' })],
    });
    await runDue();
    expect(await optinRequests(page.id, psid)).toHaveLength(1);
  });

  it('refuses a rule whose sequence has no MM button for the topic, with a 422 naming sequenceId', async () => {
    const { shop, page, topicId } = await aShopWithRuleMaterial();
    const textOnly = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Thanks only', steps: [{ type: 'text', text: 'Thanks!' }] })
      .expect(201);
    const res = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ pageId: page.id, topicId, sequenceId: textOnly.body.id, orderStatus: 'CONFIRMED' })
      .expect(422);
    expect(res.body).toMatchObject({
      error: 'sequence_lacks_optin_step',
      fields: [{ field: 'sequenceId', rule: 'sequence_lacks_optin_step' }],
    });
    expect(res.body.message).toContain('Order updates and promos');
  });

  it('names every field at fault when a rule or an order event is malformed', async () => {
    const { shop } = await aShopWithRuleMaterial();
    const rule = await t.http().post('/api/pos-notification-rules').set(shop.auth).send({ orderStatus: 'PAID', extra: 1 }).expect(400);
    expect([...new Set(rule.body.fields.map((f: { field: string }) => f.field))].sort()).toEqual([
      'extra',
      'orderStatus',
      'pageId',
      'sequenceId',
      'topicId',
    ]);
    const event = await postEvent(shop, {
      orderId: 'PO-1',
      pageId: '1',
      customerPsid: '2',
      status: 'CONFIRMED',
      occurredAt: 'yesterday',
      total: -5,
    }).expect(400);
    expect([...new Set(event.body.fields.map((f: { field: string }) => f.field))].sort()).toEqual(['occurredAt', 'total']);
  });

  it("answers 404, naming the field, for another shop's Page, topic or sequence, and for its rules", async () => {
    const mine = await aShopWithRuleMaterial();
    const theirs = await aShopWithRuleMaterial();
    const theirRule = await anActiveRule(theirs.shop, { pageId: theirs.page.id, topicId: theirs.topicId, sequenceId: theirs.sequenceId });
    const create = (body: object) =>
      t
        .http()
        .post('/api/pos-notification-rules')
        .set(mine.shop.auth)
        .send({ orderStatus: 'CONFIRMED', ...body });

    const page = await create({ pageId: theirs.page.id, topicId: theirs.topicId, sequenceId: theirs.sequenceId }).expect(404);
    expect(page.body.fields).toEqual([expect.objectContaining({ field: 'pageId' })]);
    const topic = await create({ pageId: mine.page.id, topicId: theirs.topicId, sequenceId: mine.sequenceId }).expect(404);
    expect(topic.body.fields).toEqual([expect.objectContaining({ field: 'topicId' })]);
    const sequence = await create({ pageId: mine.page.id, topicId: mine.topicId, sequenceId: theirs.sequenceId }).expect(404);
    expect(sequence.body.fields).toEqual([expect.objectContaining({ field: 'sequenceId' })]);
    await t.http().get(`/api/pos-notification-rules/${theirRule}`).set(mine.shop.auth).expect(404);
    await t.http().get(`/api/pos-notification-rules/${theirRule}/stats`).set(mine.shop.auth).expect(404);
    await t.http().post(`/api/pos-notification-rules/${theirRule}/deactivate`).set(mine.shop.auth).expect(404);
    const event = await postEvent(mine.shop, orderEvent(theirs.page.id, aPsid())).expect(404);
    expect(event.body.fields).toEqual([expect.objectContaining({ field: 'pageId' })]);
  });

  it('keeps a sequence a rule uses from being deleted', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    const refused = await t.http().delete(`/api/pages/${page.id}/sequences/${sequenceId}`).set(shop.auth).expect(409);
    expect(refused.body.error).toBe('sequence_in_use');
    await t.http().delete(`/api/pos-notification-rules/${ruleId}`).set(shop.auth).expect(204);
    await t.http().delete(`/api/pages/${page.id}/sequences/${sequenceId}`).set(shop.auth).expect(204);
  });

  it('lets a Page with rules and sequences be deleted, taking them with it', async () => {
    const { shop, page, topicId, sequenceId } = await aShopWithRuleMaterial();
    const ruleId = await anActiveRule(shop, { pageId: page.id, topicId, sequenceId });
    await t.http().delete(`/api/pages/${page.id}`).set(shop.auth).expect(204);
    await t.http().get(`/api/pos-notification-rules/${ruleId}`).set(shop.auth).expect(404);
  });
});
