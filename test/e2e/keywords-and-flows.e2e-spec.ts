import { request as httpRequest } from 'node:http';
import type { DataSource } from 'typeorm';
import { signWebhookBody } from '../../libs/messenger-sandbox/src';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aPage, aPsid, aShop, aTopic, anActiveOrderRule, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { TEST_APP_SECRET, startTestApp, type TestApp } from '../helpers/test-app';
import { burstPsid, startWebhookBurst } from '../helpers/webhook-burst';

const DAY_MS = 24 * 3600_000;

interface Received {
  type: string;
  message: { text?: string; quick_replies?: Array<{ title: string }>; attachment?: { payload?: { title?: string } } };
}

describe.each(testDatabases())('keywords and flows on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No worker loop: every pass is driven by sendDue(), so each test sees exactly what one pass sent.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Applies the webhooks the sandbox posted, then sends every step that is due (taps may add more). */
  const sendDue = async (): Promise<void> => {
    await t.settle();
    while ((await t.app.get(SequenceWorker).runDue()) > 0) await t.settle();
  };
  const received = (pageId: string, psid: string): Promise<Received[]> => t.meta.received(pageId, psid) as Promise<Received[]>;
  const texts = async (pageId: string, psid: string): Promise<string[]> =>
    (await received(pageId, psid)).map((r) => r.message.text ?? r.type);
  const createFlow = async (shop: TestShop, pageId: string, body: object): Promise<{ id: string; version: number }> =>
    (await t.http().post(`/api/pages/${pageId}/flows`).set(shop.auth).send(body).expect(201)).body;
  const createKeyword = async (shop: TestShop, pageId: string, body: object): Promise<{ id: string }> =>
    (await t.http().post(`/api/pages/${pageId}/keywords`).set(shop.auth).send(body).expect(201)).body;

  async function promotionFlow(shop: TestShop, pageId: string): Promise<{ flowId: string; keywordId: string; topicId: string }> {
    const topicId = await aTopic(t, shop, pageId, { title: `Khuyến mãi ${aPsid().slice(-5)}` });
    const flow = await createFlow(shop, pageId, {
      name: 'Khuyến mãi',
      nodes: [
        {
          id: 'offer',
          type: 'quick_replies',
          text: 'Giảm 30% tuần này! Nhận thông báo khuyến mãi?',
          quickReplies: [
            { title: 'Yes, notify me', next: 'ask' },
            { title: 'No thanks', next: 'bye' },
          ],
        },
        { id: 'ask', type: 'optin', topicId, ifRefused: 'already' },
        { id: 'already', type: 'text', text: 'Bạn đã đăng ký rồi 💛' },
        { id: 'bye', type: 'text', text: 'Hẹn gặp lại!' },
      ],
    });
    const keyword = await createKeyword(shop, pageId, { phrases: ['khuyến mãi'], matchMode: 'contains', flowId: flow.id });
    return { flowId: flow.id, keywordId: keyword.id, topicId };
  }

  it('answers "Khuyen mai" with the flow, subscribes on the MM button, and the next day follows the refused branch (already_subscribed)', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const { keywordId, topicId } = await promotionFlow(shop, page.id);
    const psid = aPsid();

    await t.meta.personMessage({ pageId: page.id, psid, text: 'Khuyen mai' });
    await sendDue();
    const [offer] = await received(page.id, psid);
    expect(offer).toMatchObject({ type: 'quick_replies', message: { text: 'Giảm 30% tuần này! Nhận thông báo khuyến mãi?' } });
    expect(offer!.message.quick_replies!.map((q) => q.title)).toEqual(['Yes, notify me', 'No thanks']);

    await t.meta.personTapsQuickReply({ pageId: page.id, psid, title: 'Yes, notify me' });
    await sendDue();
    expect((await received(page.id, psid)).map((r) => r.type)).toEqual(['quick_replies', 'notification_messages']);

    await t.meta.personOptin({ pageId: page.id, psid });
    await t.settle();
    const ds = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const subscriptions = (await ds.query('SELECT status FROM subscriptions WHERE page_id = ? AND psid = ? AND topic_id = ?', [
      page.id,
      psid,
      topicId,
    ])) as Array<{ status: string }>;
    expect(subscriptions).toEqual([{ status: 'active' }]);

    await t.advance(DAY_MS);
    await t.meta.personMessage({ pageId: page.id, psid, text: 'KHUYẾN MÃI'.normalize('NFD') });
    await sendDue();
    await t.meta.personTapsQuickReply({ pageId: page.id, psid, title: 'Yes, notify me' });
    await sendDue();
    expect(await texts(page.id, psid)).toEqual([
      'Giảm 30% tuần này! Nhận thông báo khuyến mãi?',
      'notification_messages',
      'Giảm 30% tuần này! Nhận thông báo khuyến mãi?',
      'Bạn đã đăng ký rồi 💛',
    ]);

    const stats = await t.http().get(`/api/pages/${page.id}/keywords/${keywordId}/stats`).set(shop.auth).expect(200);
    expect(stats.body).toEqual({
      keywordId,
      fired: 2,
      cooledDown: 0,
      optinRequestsSent: 1,
      optinsRefusedByReason: { already_subscribed: 1 },
      subscriptions: 1,
    });
  });

  it('sends a tap on an old version’s button where that version said, after the flow was edited mid-conversation', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const v1 = await createFlow(shop, page.id, {
      name: 'Menu',
      nodes: [
        { id: 'menu', type: 'buttons', text: 'How can we help?', buttons: [{ type: 'postback', title: 'Track order', next: 'track' }] },
        { id: 'track', type: 'text', text: 'v1: send us your order number' },
      ],
    });
    await createKeyword(shop, page.id, { phrases: ['menu'], matchMode: 'is', flowId: v1.id });
    const early = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid: early, text: 'Menu' });
    await sendDue();

    const v2 = await t
      .http()
      .patch(`/api/pages/${page.id}/flows/${v1.id}`)
      .set(shop.auth)
      .send({
        nodes: [
          {
            id: 'menu',
            type: 'buttons',
            text: 'How can we help?',
            buttons: [{ type: 'postback', title: 'Track order', next: 'tracking' }],
          },
          { id: 'tracking', type: 'text', text: 'v2: track it at https://shop.example/track' },
        ],
      })
      .expect(200);
    expect(v2.body.version).toBe(2);

    await t.meta.personTapsPostback({ pageId: page.id, psid: early, title: 'Track order' });
    const late = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid: late, text: 'menu' });
    await sendDue();
    await t.meta.personTapsPostback({ pageId: page.id, psid: late, title: 'Track order' });
    await sendDue();

    expect(await texts(page.id, early)).toEqual(['button', 'v1: send us your order number']);
    expect(await texts(page.id, late)).toEqual(['button', 'v2: track it at https://shop.example/track']);
  });

  it('answers a burst of the same customer once per cooldown, a redelivered message once, and never standby messages or echoes', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const flow = await createFlow(shop, page.id, { name: 'Sale', nodes: [{ id: 'hi', type: 'text', text: 'Sale starts at 8pm!' }] });
    const keyword = await createKeyword(shop, page.id, { phrases: ['sale'], flowId: flow.id, cooldownSeconds: 300 });

    const eager = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid: eager, text: 'SALE?', deliveries: 2 });
    await t.meta.personMessage({ pageId: page.id, psid: eager, text: 'sale sale sale' });
    await sendDue();
    expect(await texts(page.id, eager)).toEqual(['Sale starts at 8pm!']);
    await t.advance(301_000);
    await t.meta.personMessage({ pageId: page.id, psid: eager, text: 'sale' });
    await sendDue();
    expect(await texts(page.id, eager)).toEqual(['Sale starts at 8pm!', 'Sale starts at 8pm!']);

    const handedOver = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid: handedOver, text: 'sale', standby: true });
    await postSigned({
      object: 'page',
      entry: [
        {
          id: page.id,
          time: t.clock.now().getTime(),
          messaging: [
            {
              sender: { id: page.id },
              recipient: { id: handedOver },
              timestamp: t.clock.now().getTime(),
              message: { mid: `m_echo_${handedOver}`, is_echo: true, text: 'sale' },
            },
          ],
        },
      ],
    });
    await sendDue();
    expect(await texts(page.id, handedOver)).toEqual([]);

    const stats = await t.http().get(`/api/pages/${page.id}/keywords/${keyword.id}/stats`).set(shop.auth).expect(200);
    expect(stats.body).toMatchObject({ fired: 2, cooledDown: 1 });
  });

  it('starts the flow whose ref an m.me link carries: Get Started in a new thread, a referral in an existing one', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    await createFlow(shop, page.id, {
      name: 'Flyer',
      ref: 'flyer-cebu',
      nodes: [{ id: 'hi', type: 'text', text: 'Welcome from the flyer!' }],
    });

    const newcomer = aPsid();
    expect(await t.meta.personFollowsReferral({ pageId: page.id, psid: newcomer, ref: 'flyer-cebu' })).toMatchObject({
      posted: 'postback',
    });
    const regular = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid: regular, text: 'hello' });
    expect(await t.meta.personFollowsReferral({ pageId: page.id, psid: regular, ref: 'flyer-cebu' })).toMatchObject({ posted: 'referral' });
    const stranger = aPsid();
    await t.meta.personFollowsReferral({ pageId: page.id, psid: stranger, ref: 'some-other-ref' });
    await sendDue();

    expect(await texts(page.id, newcomer)).toEqual(['Welcome from the flyer!']);
    expect(await texts(page.id, regular)).toEqual(['Welcome from the flyer!']);
    expect(await texts(page.id, stranger)).toEqual([]);
  });

  it('follows conditions and delays: a subscriber is told so, a newcomer is asked after the delay', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const flow = await createFlow(shop, page.id, {
      name: 'Subscribed?',
      nodes: [
        { id: 'check', type: 'condition', condition: { kind: 'subscribed', topicId }, then: 'member', else: 'wait' },
        { id: 'member', type: 'text', text: 'You are on the list' },
        { id: 'wait', type: 'delay', seconds: 60, next: 'pitch' },
        { id: 'pitch', type: 'text', text: 'Want our deals?' },
      ],
    });
    const psid = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid, text: 'hi' });
    await t.settle();
    const run = await t.http().post(`/api/pages/${page.id}/flows/${flow.id}/runs`).set(shop.auth).send({ psid }).expect(201);
    expect(run.body.steps).toEqual([expect.objectContaining({ nodeId: 'pitch', status: 'pending' })]);
    await sendDue();
    expect(await texts(page.id, psid)).toEqual([]);
    await t.advance(60_000);
    await sendDue();
    expect(await texts(page.id, psid)).toEqual(['Want our deals?']);
    const done = await t.http().get(`/api/pages/${page.id}/flows/${flow.id}/runs/${run.body.id}`).set(shop.auth).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', source: 'api', version: 1 });
  });

  it("takes has_ordered from the customer's order summary: an order no POS rule matched counts, a canceled one does not", async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const flow = await createFlow(shop, page.id, {
      name: 'Returning customer?',
      nodes: [
        { id: 'check', type: 'condition', condition: { kind: 'has_ordered' }, then: 'welcomeBack', else: 'firstTime' },
        { id: 'welcomeBack', type: 'text', text: 'Welcome back! 10% off your next order' },
        { id: 'firstTime', type: 'text', text: 'First time here? Free shipping on your first order' },
      ],
    });
    // The shop only has a rule for CONFIRMED orders: it thanks the customer and offers the MM button.
    await anActiveOrderRule(t, shop, page.id, topicId, 'CONFIRMED');
    const orderEvent = (psid: string, orderId: string, status: string) =>
      t
        .http()
        .post('/api/pos/order-events')
        .set(shop.auth)
        .send({ orderId, pageId: page.id, customerPsid: psid, status, occurredAt: t.clock.now().toISOString(), total: 45_000 })
        .expect(202);
    const [shipped, canceled, never] = [aPsid(), aPsid(), aPsid()];
    for (const psid of [shipped, canceled, never]) await t.meta.personMessage({ pageId: page.id, psid, text: 'hi' });
    await t.settle();
    // An order the POS reports first as SHIPPED matches no rule (no outbox row), but it is an order.
    expect((await orderEvent(shipped, `SO-${shipped}`, 'SHIPPED')).body).toMatchObject({ matchedRules: 0 });
    // A confirmed order (the rule fires) that was then canceled is no order.
    expect((await orderEvent(canceled, `SO-${canceled}`, 'CONFIRMED')).body.dispatched).toHaveLength(1);
    await orderEvent(canceled, `SO-${canceled}`, 'CANCELED');

    const firstNode = async (psid: string): Promise<string> => {
      const run = await t.http().post(`/api/pages/${page.id}/flows/${flow.id}/runs`).set(shop.auth).send({ psid }).expect(201);
      return run.body.steps[0].nodeId as string;
    };
    expect([await firstNode(shipped), await firstNode(canceled), await firstNode(never)]).toEqual([
      'welcomeBack',
      'firstTime',
      'firstTime',
    ]);
  });

  it("hands a customer from a sequence's flow step (a POS rule's too) to the flow, once", async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const flow = await createFlow(shop, page.id, {
      name: 'After order',
      nodes: [{ id: 'hi', type: 'text', text: 'Thanks for your order!' }],
    });
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({
        name: 'Confirmed',
        steps: [
          { type: 'text', text: 'Order confirmed.' },
          { type: 'flow', flowId: flow.id },
        ],
      })
      .expect(201);
    const psid = aPsid();
    await t.meta.personMessage({ pageId: page.id, psid, text: 'hello' });
    await t.settle();
    await t.http().post(`/api/pages/${page.id}/sequences/${sequence.body.id}/runs`).set(shop.auth).send({ psid }).expect(201);
    await sendDue();
    expect(await texts(page.id, psid)).toEqual(['Order confirmed.', 'Thanks for your order!']);

    const otherPage = await aPage(t, shop);
    const refused = await t
      .http()
      .post(`/api/pages/${otherPage.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Not this Page', steps: [{ type: 'flow', flowId: flow.id }] })
      .expect(404);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'steps.0.flowId' })]);
  });

  it('refuses a graph whose edges name no node or loop without a tap, naming the field', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const missing = await t
      .http()
      .post(`/api/pages/${page.id}/flows`)
      .set(shop.auth)
      .send({ name: 'Broken', nodes: [{ id: 'a', type: 'text', text: 'Hi', next: 'nowhere' }] })
      .expect(400);
    expect(missing.body.fields).toEqual([expect.objectContaining({ field: 'nodes.0.next' })]);
    // Every fault of the graph in one answer, each message naming its path.
    const several = await t
      .http()
      .post(`/api/pages/${page.id}/flows`)
      .set(shop.auth)
      .send({
        name: 'Broken',
        nodes: [
          {
            id: 'ask',
            type: 'quick_replies',
            text: 'Sale?',
            quickReplies: [
              { title: 'Yes', next: 'gone' },
              { title: 'No', next: 'lost' },
            ],
          },
          { id: 'ask', type: 'text', text: 'Hi' },
        ],
      })
      .expect(400);
    expect(several.body.fields.map((f: { field: string; rule: string }) => [f.field, f.rule])).toEqual([
      ['nodes.1.id', 'invalid_flow'],
      ['nodes.0.quickReplies.0.next', 'invalid_flow'],
      ['nodes.0.quickReplies.1.next', 'invalid_flow'],
    ]);
    expect(several.body.fields[2].message).toBe('nodes.0.quickReplies.1.next names no node of the flow (lost)');
    const loop = await t
      .http()
      .post(`/api/pages/${page.id}/flows`)
      .set(shop.auth)
      .send({
        name: 'Loop',
        nodes: [
          { id: 'a', type: 'text', text: 'Hi', next: 'b' },
          { id: 'b', type: 'delay', seconds: 1, next: 'a' },
        ],
      })
      .expect(400);
    expect(loop.body.message).toContain('without a tap');
    const wrongField = await t
      .http()
      .post(`/api/pages/${page.id}/flows`)
      .set(shop.auth)
      .send({ name: 'Wrong', nodes: [{ id: 'a', type: 'delay', text: 'Hi' }] })
      .expect(400);
    expect(wrongField.body.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['nodes.0.text', 'nodes.0.seconds']),
    );
  });

  it('names each bad phrase of a keyword by its position, and stores nothing', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const flow = await createFlow(shop, page.id, { name: 'Promo', nodes: [{ id: 'hi', type: 'text', text: 'Promo code: KM30' }] });
    const keywords = () => t.http().get(`/api/pages/${page.id}/keywords`).set(shop.auth).expect(200);
    const refused = await t
      .http()
      .post(`/api/pages/${page.id}/keywords`)
      .set(shop.auth)
      .send({ phrases: ['sale', '', 5, '   ', 'x'.repeat(201)], flowId: flow.id })
      .expect(400);
    expect(refused.body.fields.map((f: { field: string; rule: string }) => [f.field, f.rule])).toEqual([
      ['phrases.1', 'isLength'],
      ['phrases.2', 'isString'],
      ['phrases.3', 'isNotEmpty'],
      ['phrases.4', 'isLength'],
    ]);
    expect((await keywords()).body).toEqual([]);
    // No answer, or two: one problem that says so, on flowId, in the same 400 as the body's other faults.
    for (const answer of [{}, { flowId: flow.id, sequenceId: flow.id }]) {
      const noAnswer = await t
        .http()
        .post(`/api/pages/${page.id}/keywords`)
        .set(shop.auth)
        .send({ phrases: ['sale', ''], ...answer })
        .expect(400);
      expect(noAnswer.body.fields.map((f: { field: string; rule: string }) => [f.field, f.rule])).toEqual([
        ['phrases.1', 'isLength'],
        ['flowId', 'answer_required'],
      ]);
      expect(noAnswer.body.fields[1].message).toBe('Give exactly one answer: flowId or sequenceId');
    }
    const kept = await createKeyword(shop, page.id, { phrases: ['sale'], flowId: flow.id });
    const patch = await t
      .http()
      .patch(`/api/pages/${page.id}/keywords/${kept.id}`)
      .set(shop.auth)
      .send({ phrases: ['promo', null] })
      .expect(400);
    expect(patch.body.fields).toEqual([expect.objectContaining({ field: 'phrases.1', rule: 'isString' })]);
    expect((await keywords()).body[0].phrases).toEqual(['sale']);
  });

  it('gives 2,000 customers typing the keyword within a few seconds exactly one answer each', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const flow = await createFlow(shop, page.id, { name: 'Promo', nodes: [{ id: 'hi', type: 'text', text: 'Promo code: KM30' }] });
    await createKeyword(shop, page.id, { phrases: ['khuyến mãi'], flowId: flow.id });
    const customers = 2_000;
    const psids = Array.from({ length: customers }, (_, n) => burstPsid(page.id, n));
    await t.meta.peopleWroteElsewhere({ pageId: page.id, psids });
    const sendsBefore = (await t.meta.stats()).sends;

    const started = performance.now();
    const burst = startWebhookBurst(t, page.id, 100, 10, {
      customers,
      text: (n) => (n % 2 === 0 ? 'Khuyen mai' : 'KHUYẾN MÃI có không?'),
    });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const { sent, answered200 } = await burst.stop();
    expect({ sent, answered200 }).toEqual({ sent: customers / 10, answered200: customers / 10 });
    const posted = performance.now();
    await t.settle();
    const settled = performance.now();
    process.stderr.write(`burst: posted ${posted - started} ms, applied ${settled - posted} ms\n`);
    await sendDue();
    process.stderr.write(`burst: sent ${performance.now() - settled} ms\n`);
    const sent2000 = performance.now();

    expect((await t.meta.stats()).sends - sendsBefore).toBe(customers);
    const counts = new Map<number, number>();
    for (let i = 0; i < psids.length; i += 100) {
      const batch = await Promise.all(psids.slice(i, i + 100).map((psid) => received(page.id, psid)));
      for (const items of batch) counts.set(items.length, (counts.get(items.length) ?? 0) + 1);
    }
    expect([...counts]).toEqual([[1, customers]]);
    // One line for the report: posting the burst, applying its webhooks (keywords matched, runs written), sending the answers.
    const s = (from: number, to: number): number => Number(((to - from) / 1000).toFixed(1));
    console.log(
      JSON.stringify({
        bench: 'keyword-burst',
        db,
        customers,
        postingS: s(started, posted),
        applyingS: s(posted, settled),
        sendingS: s(settled, sent2000),
      }),
    );
  }, 120_000);

  /** Posts a webhook body to the app as Meta would (signed), for shapes the sandbox does not make (an echo). */
  function postSigned(body: object): Promise<number> {
    const raw = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        new URL(`${t.url}/webhooks/messenger`),
        { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signWebhookBody(raw, TEST_APP_SECRET) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(raw);
    });
  }
});
