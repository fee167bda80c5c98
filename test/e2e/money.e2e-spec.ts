import { EventEmitter2 } from '@nestjs/event-emitter';
import { PosOrderEvents } from '../../src/pos-notifications/pos-order-events';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { subscribersOf, aTopic as aBroadcastTopic } from '../helpers/broadcast-builders';
import { aConnectedPage, aCustomerWhoWrote, aMetaId, aPage, aPageInput, aPsid, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

// ICU writes a no-break space (U+00A0) between a Vietnamese amount and its sign.
const NBSP = '\u00a0';

describe.each(testDatabases())("money in the shop's locale on %s", (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  const runDue = (): Promise<number> => t.app.get(SequenceWorker).runDue();
  const fieldsOf = (body: { fields?: Array<{ field: string; rule: string }> }) => (body.fields ?? []).map((f) => `${f.field}:${f.rule}`);

  /** A Page with a topic, a "thank you + total, then MM button" sequence and an active CONFIRMED rule. */
  async function aPageWithOrderRule(shop: TestShop, text: string, page = aPageInput()) {
    await aConnectedPage(t, shop, page);
    const topicId = await aTopic(t, shop, page.id, { title: 'Đơn hàng và khuyến mãi' });
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({
        name: 'Order confirmed',
        steps: [
          { type: 'text', text },
          { type: 'optin', topicId },
        ],
      })
      .expect(201);
    const rule = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ pageId: page.id, topicId, orderStatus: 'CONFIRMED', sequenceId: sequence.body.id })
      .expect(201);
    await t.http().post(`/api/pos-notification-rules/${rule.body.id}/activate`).set(shop.auth).expect(200);
    return { page, topicId, sequenceId: sequence.body.id as string };
  }

  const anOrderEvent = (pageId: string, psid: string, fields: object) => ({
    orderId: `DH-${aPsid().slice(-7)}`,
    pageId,
    customerPsid: psid,
    status: 'CONFIRMED',
    occurredAt: t.clock.now().toISOString(),
    ...fields,
  });

  it('a Vietnamese shop confirms an order of 1.250.000 ₫ and the customer reads the total written the Vietnamese way', async () => {
    const shop = await aShop(t, 'Sài Gòn Threads');
    const set = await t.http().patch('/api/shop').set(shop.auth).send({ locale: 'vi-VN', currency: 'VND' }).expect(200);
    expect(set.body).toMatchObject({ id: shop.id, name: 'Sài Gòn Threads', locale: 'vi-VN', currency: 'VND' });
    expect((await t.http().get('/api/shop').set(shop.auth).expect(200)).body).toMatchObject({ locale: 'vi-VN', currency: 'VND' });
    const { page } = await aPageWithOrderRule(shop, 'Cảm ơn {{customer.name}}! Đơn {{order.id}}: {{order.total}} ({{order.currency}}).');
    // A Page registered without a currency is billed in the shop's, and lives on Vietnam's clock.
    expect((await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(200)).body).toMatchObject({
      currency: 'VND',
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const psid = await aCustomerWhoWrote(t, page.id);

    // No currency in the event: the shop's (VND). 1250000 is in minor units, and VND has none below the đồng.
    const event = anOrderEvent(page.id, psid, { customerName: 'Lan', total: 1250000 });
    await t.http().post('/api/pos/order-events').set(shop.auth).send(event).expect(202);
    await runDue();

    const [text] = await t.meta.received(page.id, psid);
    expect(text!.type).toBe('text');
    expect((text!.message as { text: string }).text).toBe(`Cảm ơn Lan! Đơn ${event.orderId}: 1.250.000${NBSP}₫ (VND).`);
  });

  it("a Philippine shop's order of 125000 centavos reads ₱1,250.00, and a Page in Filipino overrides an English shop", async () => {
    const shop = await aShop(t);
    expect((await t.http().get('/api/shop').set(shop.auth).expect(200)).body).toMatchObject({ locale: 'en-PH', currency: 'PHP' });
    const { page } = await aPageWithOrderRule(shop, 'Salamat! Order {{order.id}}: {{order.total}}', aPageInput({ locale: 'fil-PH' }));
    expect((await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(200)).body.locale).toBe('fil-PH');
    const psid = await aCustomerWhoWrote(t, page.id);
    const event = anOrderEvent(page.id, psid, { total: 125000, currency: 'PHP', items: [{ name: 'Barong', quantity: 1, price: 125000 }] });
    await t.http().post('/api/pos/order-events').set(shop.auth).send(event).expect(202);
    await runDue();
    const [text] = await t.meta.received(page.id, psid);
    expect((text!.message as { text: string }).text).toBe(`Salamat! Order ${event.orderId}: ₱1,250.00`);
  });

  it("a hand-started run on a Vietnamese shop's English Page writes a USD order the English way", async () => {
    const shop = await aShop(t);
    await t.http().patch('/api/shop').set(shop.auth).send({ locale: 'vi-VN', currency: 'VND' }).expect(200);
    const page = await aConnectedPage(t, shop, { locale: 'en-US' });
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Receipt', steps: [{ type: 'text', text: 'Total {{order.total}}' }] })
      .expect(201);
    const psid = await aCustomerWhoWrote(t, page.id);
    await t
      .http()
      .post(`/api/pages/${page.id}/sequences/${sequence.body.id}/runs`)
      .set(shop.auth)
      .send({ psid, order: { orderId: 'US-1', status: 'CONFIRMED', total: 1999, currency: 'USD' } })
      .expect(201);
    await runDue();
    expect(((await t.meta.received(page.id, psid))[0]!.message as { text: string }).text).toBe('Total $19.99');
  });

  it('refuses a lowercase or unknown currency and a malformed locale with a 400 naming the field, and changes nothing', async () => {
    const shop = await aShop(t);
    for (const currency of ['vnd', 'Php', 'ABC', 'XAU']) {
      const res = await t.http().patch('/api/shop').set(shop.auth).send({ currency }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['currency:isCurrencyCode']);
    }
    const badLocale = await t.http().patch('/api/shop').set(shop.auth).send({ locale: 'vi_VN', currency: 'VND' }).expect(400);
    expect(fieldsOf(badLocale.body)).toEqual(['locale:isLocale']);
    expect((await t.http().get('/api/shop').set(shop.auth).expect(200)).body).toMatchObject({ locale: 'en-PH', currency: 'PHP' });
    // Tags are case-insensitive (RFC 5646): stored canonical.
    expect((await t.http().patch('/api/shop').set(shop.auth).send({ locale: 'vi-vn' }).expect(200)).body.locale).toBe('vi-VN');

    const page = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send(aPageInput({ currency: 'php' }))
      .expect(400);
    expect(fieldsOf(page.body)).toEqual(['currency:isMetaCurrency']);
    const registered = await aPage(t, shop);
    const nulled = await t.http().patch(`/api/pages/${registered.id}`).set(shop.auth).send({ currency: null }).expect(400);
    expect(fieldsOf(nulled.body)).toEqual(['currency:notNull']);
    expect((await t.http().patch(`/api/pages/${registered.id}`).set(shop.auth).send({ locale: null }).expect(200)).body.locale).toBeNull();

    const event = await t
      .http()
      .post('/api/pos/order-events')
      .set(shop.auth)
      .send(anOrderEvent(registered.id, aPsid(), { total: 1250000, currency: 'vnd' }))
      .expect(400);
    expect(fieldsOf(event.body)).toEqual(['currency:isCurrencyCode']);
  });

  it('refuses amounts that are not whole minor units (a POS still sending pesos with decimals), naming the field', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const res = await t
      .http()
      .post('/api/pos/order-events')
      .set(shop.auth)
      .send(anOrderEvent(page.id, aPsid(), { total: 1250.5, currency: 'PHP', items: [{ name: 'Hat', quantity: 1, price: 99.99 }] }))
      .expect(400);
    expect(fieldsOf(res.body).sort()).toEqual(['items.0.price:isMinorUnits', 'total:isMinorUnits']);
    // The embedded POS's door names the nested field too.
    const inProcess = t.app.get(EventEmitter2).emitAsync(PosOrderEvents.StatusChanged, {
      shopId: shop.id,
      ...anOrderEvent(page.id, aPsid(), { total: 125000, currency: 'PHP', items: [{ name: 'Hat', quantity: 1, price: 99.99 }] }),
    });
    await expect(inProcess).rejects.toMatchObject({
      problems: [expect.objectContaining({ field: 'items.0.price', rule: 'isMinorUnits' })],
    });
    const price = await t.http().patch(`/api/pages/${page.id}`).set(shop.auth).send({ pricePerMessage: 1.5 }).expect(400);
    expect(fieldsOf(price.body)).toEqual(['pricePerMessage:isMinorUnits']);
  });

  it("converts between minor units and Meta's unit where they differ (HUF: ISO counts fillér, Meta whole forints)", async () => {
    const shop = await aShop(t);
    const adAccountId = aMetaId();
    const page = aPageInput({ adAccountId, systemUserToken: `EAAB-system-user-${adAccountId}`, currency: 'HUF', pricePerMessage: 300 });
    await t.meta.registerPage({ id: page.id, name: page.name, platform: page.platform, accessToken: page.accessToken });
    // At "Meta" the price is 3 (forints); in our API 300 (fillér).
    await aPage(t, shop, page);
    // Meta's side of the ad account, after aPage registered a plain one: HUF at 3 forints a message.
    await t.meta.registerAdAccount({
      id: adAccountId,
      systemUserToken: page.systemUserToken!,
      pageIds: [page.id],
      pricePerMessage: 3,
      currency: 'HUF',
    });
    const topic = await aBroadcastTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 4);

    const fractional = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Akció', topicId: topic.id, content: { type: 'text', text: 'Hi!' }, budget: { type: 'daily', amount: 500050 } })
      .expect(400);
    expect(fieldsOf(fractional.body)).toEqual(['budget.amount:metaCurrencyUnit']);

    const campaign = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns`)
      .set(shop.auth)
      .send({ name: 'Akció', topicId: topic.id, content: { type: 'text', text: 'Hi!' }, budget: { type: 'daily', amount: 500000 } })
      .expect(201);
    const estimate = await t.http().get(`/api/pages/${page.id}/campaigns/${campaign.body.id}/estimate`).set(shop.auth).expect(200);
    expect(estimate.body).toMatchObject({
      audience: 4,
      currency: 'HUF',
      ours: { pricePerMessage: 300, cost: 1200 },
      meta: { deliveryUpperBound: 4, costUpperBound: 1200 },
    });
  });

  it('states the unit of every amount in the OpenAPI document, the same everywhere', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      info: { description: string };
      components: { schemas: Record<string, { properties?: Record<string, { type?: string; description?: string }> }> };
    };
    expect(doc.info.description).toContain("currency's minor unit per ISO 4217");
    const AMOUNTS = [
      'amount',
      'pricePerMessage',
      'total',
      'price',
      'cost',
      'spent',
      'budget',
      'costLowerBound',
      'costUpperBound',
      'spend',
      'costPerDelivered',
    ];
    const found: string[] = [];
    for (const [schema, { properties = {} }] of Object.entries(doc.components.schemas)) {
      for (const [name, property] of Object.entries(properties)) {
        // A budget object ({type, amount}) is not itself an amount; its amount is.
        if (!AMOUNTS.includes(name) || !['number', 'integer'].includes(property.type ?? '')) continue;
        found.push(`${schema}.${name}`);
        expect(`${schema}.${name}: ${property.description ?? ''}`).toContain("currency's minor unit per ISO 4217");
      }
    }
    expect(found).toEqual(
      expect.arrayContaining([
        'BudgetDto.amount',
        'CreatePageDto.pricePerMessage',
        'PageResponse.pricePerMessage',
        'OrderEventDto.total',
        'OrderItemDto.price',
        'EstimateOurs.cost',
        'EstimateMeta.costUpperBound',
        'CampaignCost.spent',
        'MetaInsights.spend',
      ]),
    );
  });
});
