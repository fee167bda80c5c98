import { createHmac } from 'node:crypto';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aSubscriber, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';

/**
 * Meta's real traffic at the edges: every value form Meta documents (times as numbers or strings, in
 * seconds or ms; status spellings), values it does not document (changing nothing, kept for the shop to
 * see), and messages that arrive in `standby` because another app owns the thread.
 */
describe.each(testDatabases())('Webhook value forms and channels on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  /** Posts a signed delivery to the app as Meta would, and waits until it is processed. */
  const deliver = async (pageId: string, items: unknown[], channel: 'messaging' | 'standby' = 'messaging'): Promise<void> => {
    const body = JSON.stringify({ object: 'page', entry: [{ id: pageId, time: t.clock.now().getTime(), [channel]: items }] });
    const signature = `sha256=${createHmac('sha256', TEST_APP_SECRET).update(body).digest('hex')}`;
    await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', signature)
      .send(body)
      .expect(200);
    await t.settle();
  };
  const optinItem = (pageId: string, psid: string, optin: Record<string, unknown>, timestamp: unknown = t.clock.now().getTime()) => ({
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp,
    optin: { type: 'notification_messages', ...optin },
  });
  const topicPayload = async (shop: TestShop, pageId: string, topicId: string): Promise<string> =>
    (await t.http().get(`/api/pages/${pageId}/topics/${topicId}`).set(shop.auth).expect(200)).body.payload as string;
  const subscribers = (shop: TestShop, pageId: string, topicId: string) =>
    t.http().get(`/api/pages/${pageId}/topics/${topicId}/subscribers`).set(shop.auth);
  const unrecognised = async (shop: TestShop, pageId: string) =>
    (await t.http().get(`/api/pages/${pageId}/unrecognised-values`).set(shop.auth).expect(200)).body.items as Array<
      Record<string, unknown>
    >;

  it('keeps a subscriber whose opt-in gives token_expiry_timestamp in seconds (1830297600) active until 2028-01-01', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const payload = await topicPayload(shop, page.id, topicId);
    const psid = await aCustomerWhoWrote(t, page.id);

    await deliver(page.id, [
      optinItem(page.id, psid, { payload, notification_messages_token: `tok-s-${psid}`, token_expiry_timestamp: 1830297600 }),
    ]);

    const res = await subscribers(shop, page.id, topicId).expect(200);
    expect(res.body.items).toEqual([expect.objectContaining({ psid, status: 'active', tokenExpiresAt: '2028-01-01T00:00:00.000Z' })]);
    expect(res.body.counts).toMatchObject({ active: 1, expired: 0 });
  });

  it("reads Meta's quoted form of the same opt-in (times as strings), and leaves out an expiry it cannot read instead of answering the subscriber listing with a 500", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const payload = await topicPayload(shop, page.id, topicId);
    const quoted = await aCustomerWhoWrote(t, page.id);
    const unreadable = await aCustomerWhoWrote(t, page.id);

    await deliver(page.id, [
      optinItem(
        page.id,
        quoted,
        { payload, notification_messages_token: `tok-q-${quoted}`, token_expiry_timestamp: '1830297600' },
        String(t.clock.now().getTime()),
      ),
      optinItem(page.id, unreadable, { payload, notification_messages_token: `tok-u-${unreadable}`, token_expiry_timestamp: 'TIMESTAMP' }),
    ]);

    const res = await subscribers(shop, page.id, topicId).expect(200);
    const byPsid = new Map((res.body.items as Array<{ psid: string }>).map((item) => [item.psid, item]));
    expect(byPsid.get(quoted)).toMatchObject({
      status: 'active',
      tokenExpiresAt: '2028-01-01T00:00:00.000Z',
      optedInAt: t.clock.now().toISOString(),
    });
    expect(byPsid.get(unreadable)).toMatchObject({ status: 'active', tokenExpiresAt: null });
    expect(await unrecognised(shop, page.id)).toEqual([
      expect.objectContaining({ field: 'optin.token_expiry_timestamp', value: 'TIMESTAMP', count: 1 }),
    ]);
  });

  it('leaves an active subscriber active on a status it does not know, shows the value once with its count, and stops on "STOP NOTIFICATIONS"', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid, token } = await aSubscriber(t, shop, page.id, topicId);
    const status = (value: string) =>
      optinItem(page.id, psid, { payload: 'p', notification_messages_token: token, notification_messages_status: value });

    await deliver(page.id, [status('PAUSE_NOTIFICATIONS')]);
    await t.advance(1000);
    await deliver(page.id, [status('PAUSE_NOTIFICATIONS')]);

    const stillActive = await subscribers(shop, page.id, topicId).expect(200);
    expect(stillActive.body.items).toEqual([expect.objectContaining({ psid, status: 'active' })]);
    const seen = await unrecognised(shop, page.id);
    expect(seen).toEqual([
      {
        field: 'optin.notification_messages_status',
        value: 'PAUSE_NOTIFICATIONS',
        count: 2,
        firstSeenAt: new Date(t.clock.now().getTime() - 1000).toISOString(),
        lastSeenAt: t.clock.now().toISOString(),
      },
    ]);
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(t.logs.filter((line) => line.includes('PAUSE_NOTIFICATIONS') && line.includes('not recognised'))).toHaveLength(1);

    await t.advance(1000);
    await deliver(page.id, [status('STOP NOTIFICATIONS')]);
    const stopped = await subscribers(shop, page.id, topicId).expect(200);
    expect(stopped.body.items).toEqual([expect.objectContaining({ psid, status: 'stopped' })]);
  });

  it("takes an opt-in and a stop from the sandbox in Meta's reference forms (quoted seconds, STOP NOTIFICATIONS with a space)", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const psid = await aCustomerWhoWrote(t, page.id);
    await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId }).expect(201);

    const tokenExpiresInMs = Date.parse('2028-01-01T00:00:00Z') - t.clock.now().getTime();
    await t.meta.personOptin({ pageId: page.id, psid, tokenExpiresInMs, times: 'quoted-seconds' });
    await t.settle();
    const subscribed = await subscribers(shop, page.id, topicId).expect(200);
    expect(subscribed.body.items).toEqual([
      expect.objectContaining({ psid, status: 'active', tokenExpiresAt: '2028-01-01T00:00:00.000Z' }),
    ]);

    await t.advance(60_000);
    await t.meta.personStop({ pageId: page.id, psid, times: 'seconds', statusSpelling: 'space' });
    await t.settle();
    const stopped = await subscribers(shop, page.id, topicId).expect(200);
    expect(stopped.body.items).toEqual([
      expect.objectContaining({ psid, status: 'stopped', statusChangedAt: t.clock.now().toISOString() }),
    ]);
  });

  it("shows a Page's unrecognised values only to its own shop, documented in OpenAPI", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const other = await aShop(t, 'Hanoi Threads');
    await t.http().get(`/api/pages/${page.id}/unrecognised-values`).set(other.auth).expect(404);
    await t.http().get(`/api/pages/${page.id}/unrecognised-values`).expect(401);
    const docs = await t.http().get('/docs-json').expect(200);
    expect(docs.body.paths['/api/pages/{pageId}/unrecognised-values'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/UnrecognisedValuesResponse',
    });
    expect(Object.keys(docs.body.components.schemas.UnrecognisedValueResponse.properties)).toEqual([
      'field',
      'value',
      'firstSeenAt',
      'lastSeenAt',
      'count',
    ]);
  });

  it('sends the opt-in request to a customer who wrote while another app owned the thread (standby), not window_closed', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const psid = aPsid();

    await t.meta.personMessage({ pageId: page.id, psid, text: 'Is the red one back?', standby: true });
    await t.settle();

    const sent = await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId });
    expect(sent.status).toBe(201);
    expect(await t.meta.received(page.id, psid)).toEqual([expect.objectContaining({ type: 'notification_messages' })]);
  });

  it("does not open the window with the Page's own echo in standby", async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const psid = aPsid();

    await deliver(
      page.id,
      [
        {
          sender: { id: page.id },
          recipient: { id: psid },
          timestamp: t.clock.now().getTime(),
          message: { mid: `m_echo_${psid}`, is_echo: true, text: 'Hello from the agent' },
        },
      ],
      'standby',
    );

    const refused = await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId }).expect(422);
    expect(refused.body).toMatchObject({ error: 'window_closed' });
  });
});
