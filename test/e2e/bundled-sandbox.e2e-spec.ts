import { subscribersOf } from '../helpers/broadcast-builders';
import { aMetaId, aPageInput, aShop, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The local run (`npm start` with no Meta credentials): the app started the sandbox itself, so the first
 * registration of a Page id (or ad account) creates it at that "Meta" with the tokens given. One this
 * install already holds keeps its holder's tokens there, so the token check still stops another shop
 * that comes with a made-up token (README, "Who holds a Page"), and a restart gives the sandbox back what we hold.
 */
describe.each(testDatabases())('the bundled sandbox of the local run, on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, { bundledSandbox: true });
  });
  afterAll(() => t.close());

  const register = (shop: TestShop, body: object) => t.http().post('/api/pages').set(shop.auth).send(body);

  it('registers a new Page with the tokens given, and the sandbox knows it: its customers can write to it', async () => {
    const shop = await aShop(t);
    const page = aPageInput();
    await register(shop, page).expect(201);
    await t.meta.personMessage({ pageId: page.id, psid: '7001', text: 'hello' });
    await t.settle();
    const check = await t.http().get(`/api/pages/${page.id}/optin-requests?psid=7001`).set(shop.auth);
    expect(check.status).toBe(200);
  });

  it("another shop with a made-up token cannot take a Page held here, nor change its token, nor the ad account's", async () => {
    const [a, b] = [await aShop(t, 'A'), await aShop(t, 'B')];
    const adAccountId = aMetaId();
    const page = aPageInput({ adAccountId, systemUserToken: 'EAAG-system-user-of-A-0123456789' });
    await register(a, page).expect(201);

    const taken = await register(b, { ...aPageInput({ id: page.id }), accessToken: 'EAAG-made-up-by-B-0123456789' }).expect(422);
    expect(taken.body).toMatchObject({ error: 'token_not_for_page', fields: [expect.objectContaining({ field: 'accessToken' })] });
    await t.http().patch(`/api/pages/${page.id}`).set(b.auth).send({ accessToken: 'EAAG-made-up-by-B-0123456789' }).expect(404);

    // B's own new Page on A's ad account, with a made-up system-user token: refused; A's token still works there.
    const own = aPageInput({ adAccountId, systemUserToken: 'EAAG-made-up-system-user-0123456789' });
    const refused = await register(b, own).expect(422);
    expect(refused.body).toMatchObject({ error: 'token_cannot_use_ad_account' });
    expect((await t.http().get('/api/pages').set(a.auth).expect(200)).body).toEqual([expect.objectContaining({ id: page.id })]);

    // The holder's own token still proves the Page.
    await t.http().patch(`/api/pages/${page.id}`).set(a.auth).send({ accessToken: page.accessToken }).expect(200);
  });

  it("charges and estimates at the Page's price in Meta's units, as set when registered or changed since", async () => {
    const shop = await aShop(t);
    const estimateOf = async (page: { id: string }, currency: string, price: number) => {
      const topic = await t
        .http()
        .post(`/api/pages/${page.id}/topics`)
        .set(shop.auth)
        .send({ title: `Sale ${currency}` })
        .expect(201);
      await subscribersOf(t, page.id, { id: topic.body.id as string, title: `Sale ${currency}` }, 4);
      const campaign = await t
        .http()
        .post(`/api/pages/${page.id}/campaigns`)
        .set(shop.auth)
        .send({ name: 'Sale', topicId: topic.body.id, content: { type: 'text', text: 'Sale!' } })
        .expect(201);
      const estimate = await t
        .http()
        .get(`/api/pages/${page.id}/campaigns/${campaign.body.id as string}/estimate`)
        .set(shop.auth)
        .expect(200);
      expect(estimate.body.ours).toEqual({ pricePerMessage: price, cost: 4 * price });
      return estimate.body.meta as { costUpperBound: number };
    };
    // Rp1,200.50 is 120050 sen to the API; Meta counts whole rupiah (1201), which read back as 120100 sen.
    const idr = aPageInput({
      adAccountId: aMetaId(),
      systemUserToken: 'EAAG-system-user-idr-0123456789',
      currency: 'IDR',
      pricePerMessage: 120_050,
    });
    await register(shop, idr).expect(201);
    expect((await estimateOf(idr, 'IDR', 120_050)).costUpperBound).toBe(4 * 120_100);
    // A price set after the ad account: the sandbox charges it at once, without a restart.
    const php = aPageInput({ adAccountId: aMetaId(), systemUserToken: 'EAAG-system-user-php-0123456789', currency: 'PHP' });
    await register(shop, php).expect(201);
    await t.http().patch(`/api/pages/${php.id}`).set(shop.auth).send({ pricePerMessage: 120 }).expect(200);
    expect((await estimateOf(php, 'PHP', 120)).costUpperBound).toBe(4 * 120);
  });

  it('gives the sandbox back every Page it holds after a restart (the sandbox keeps nothing)', async () => {
    const shop = await aShop(t);
    const page = aPageInput();
    await register(shop, page).expect(201);
    await t.meta.reset();
    await t.restart();
    await t.meta.personMessage({ pageId: page.id, psid: '7002', text: 'still there?' });
    expect(await t.meta.stats()).toMatchObject({ webhooksFailed: 0 });
  });
});
