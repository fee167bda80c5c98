import { type DataSource } from 'typeorm';
import { aBroadcastPage } from '../helpers/broadcast-builders';
import { aMetaId, aPage, aPageInput, aShop, aSubscriber, aTopic, registerAtMeta, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { SubscriberReconcileJob } from '../../src/optins/subscriber-reconcile.job';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

/**
 * Issue 11 §1: a Page is held only with a token Meta confirms is that Page's (the sandbox answers
 * `GET /me` and `GET /act_<id>` as Meta documents, 190 for a token it does not know); the most recent
 * verified shop holds it, the earlier one keeps its history under an archived Page, and no answer tells
 * one shop about the other.
 */
describe.each(testDatabases())('who holds a Page, on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  const pagesOf = async (shop: TestShop): Promise<Array<{ id: string; transferredAt: string | null }>> =>
    (await t.http().get('/api/pages').set(shop.auth).expect(200)).body;
  const subscribersOf = async (shop: TestShop, pageId: string, topicId: string): Promise<string[]> =>
    (await t.http().get(`/api/pages/${pageId}/topics/${topicId}/subscribers`).set(shop.auth).expect(200)).body.items.map(
      (s: { psid: string }) => s.psid,
    );

  it('refuses a made-up access token with a 422 naming accessToken, and stores nothing', async () => {
    const shop = await aShop(t);
    const res = await t.http().post('/api/pages').set(shop.auth).send(aPageInput()).expect(422);
    expect(res.body).toMatchObject({ error: 'token_not_for_page', fields: [expect.objectContaining({ field: 'accessToken' })] });
    expect(typeof res.body.requestId).toBe('string');
    expect(await pagesOf(shop)).toEqual([]);
  });

  it('refuses a real Page token of another Page, without naming that Page', async () => {
    const shop = await aShop(t);
    const other = aPageInput();
    await registerAtMeta(t, other);
    const claimed = aPageInput();
    const res = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send({ ...claimed, accessToken: other.accessToken })
      .expect(422);
    expect(res.body).toMatchObject({ error: 'token_not_for_page', fields: [expect.objectContaining({ field: 'accessToken' })] });
    expect(JSON.stringify(res.body)).not.toContain(other.id);
    expect(await pagesOf(shop)).toEqual([]);
  });

  it('refuses a system-user token that cannot use the ad account with a 422 naming systemUserToken', async () => {
    const shop = await aShop(t);
    const input = aPageInput();
    await registerAtMeta(t, input);
    // A real system user of another ad account, and one Meta never issued.
    const foreign = aPageInput({ adAccountId: aMetaId(), systemUserToken: `EAAB-system-user-${aMetaId()}` });
    await registerAtMeta(t, foreign);
    for (const systemUserToken of [foreign.systemUserToken, 'EAAB-made-up-system-user']) {
      const res = await t
        .http()
        .post('/api/pages')
        .set(shop.auth)
        .send({ ...input, adAccountId: aMetaId(), systemUserToken })
        .expect(422);
      expect(res.body).toMatchObject({
        error: 'token_cannot_use_ad_account',
        fields: [expect.objectContaining({ field: 'systemUserToken' })],
      });
    }
    expect(await pagesOf(shop)).toEqual([]);
  });

  it('gives the Page to a second shop that proves it; the first keeps its history and sees no new events; neither learns of the other', async () => {
    const first = await aShop(t, 'First Holder');
    const second = await aShop(t, 'Second Holder');
    const page = await aPage(t, first);
    const firstTopic = await aTopic(t, first, page.id, { title: 'Payday deals' });
    const before = await aSubscriber(t, first, page.id, firstTopic);

    const fresh = aPageInput();
    await registerAtMeta(t, fresh);
    const freshAnswer = await t.http().post('/api/pages').set(second.auth).send(fresh).expect(201);
    const taken = await t.http().post('/api/pages').set(second.auth).send(page).expect(201);
    // The same answer as for a Page nobody held: nothing of the first shop, no hint of a transfer.
    expect(Object.keys(taken.body).sort()).toEqual(Object.keys(freshAnswer.body).sort());
    expect(taken.body).toMatchObject({ id: page.id, transferredAt: null });
    expect(JSON.stringify(taken.body)).not.toContain(first.id);
    expect(JSON.stringify(taken.body)).not.toContain('First Holder');

    // The second shop sees none of the first shop's topics or subscribers; the same title is free to it.
    expect((await t.http().get(`/api/pages/${page.id}/topics`).set(second.auth).expect(200)).body).toEqual([]);
    await t.http().get(`/api/pages/${page.id}/topics/${firstTopic}`).set(second.auth).expect(404);
    const secondTopic = await aTopic(t, second, page.id, { title: 'Payday deals' });

    // The first shop no longer holds the Page: its history is kept under the archived Page.
    await t.http().get(`/api/pages/${page.id}`).set(first.auth).expect(404);
    const [archived] = await pagesOf(first);
    expect(archived.id).not.toBe(page.id);
    expect(archived.transferredAt).not.toBeNull();
    expect(await subscribersOf(first, archived.id, firstTopic)).toEqual([before.psid]);

    // New webhooks for the Page reach the second shop only.
    const after = await aSubscriber(t, second, page.id, secondTopic);
    expect(await subscribersOf(second, page.id, secondTopic)).toEqual([after.psid]);
    expect(await subscribersOf(first, archived.id, firstTopic)).toEqual([before.psid]);
    // The archived Page makes no Graph call with the old shop's tokens.
    const send = await t
      .http()
      .post(`/api/pages/${archived.id}/optin-requests`)
      .set(first.auth)
      .send({ psid: before.psid, topicId: firstTopic });
    expect(send.status).toBe(409);
    expect(send.body).toMatchObject({ error: 'page_transferred' });
    // Nor does the nightly reconcile ask Meta about it; the Page itself is reconciled for its new holder.
    expect(await t.app.get(SubscriberReconcileJob).runAll()).toContain(page.id);
    const runs = (await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT page_id AS id FROM reconcile_runs WHERE page_id = ?', [archived.id])) as unknown[];
    expect(runs).toEqual([]);
  });

  it('answers a shop that registers a Page it already holds with 409, and a shop that lost it with 201 like any other', async () => {
    const first = await aShop(t);
    const second = await aShop(t);
    const page = await aPage(t, first);
    await t.http().post('/api/pages').set(first.auth).send(page).expect(409);
    await t.http().post('/api/pages').set(second.auth).send(page).expect(201);
    await t.http().post('/api/pages').set(first.auth).send(page).expect(201);
    await t.http().get(`/api/pages/${page.id}`).set(first.auth).expect(200);
    await t.http().get(`/api/pages/${page.id}`).set(second.auth).expect(404);
    expect((await pagesOf(second)).map((p) => p.transferredAt !== null)).toEqual([true]);
  });

  it('refuses a token change to a made-up token or another Page’s token and keeps the old one', async () => {
    const shop = await aShop(t);
    const page = await aPage(t, shop);
    const other = aPageInput();
    await registerAtMeta(t, other);
    for (const accessToken of ['EAAG-made-up-token-0001', other.accessToken]) {
      const res = await t.http().patch(`/api/pages/${page.id}`).set(shop.auth).send({ accessToken, name: 'Renamed' }).expect(422);
      expect(res.body).toMatchObject({ error: 'token_not_for_page', fields: [expect.objectContaining({ field: 'accessToken' })] });
    }
    expect((await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(200)).body.name).toBe(page.name);
    // The stored token is still the Page's: an opt-in request goes out with it.
    const topic = await aTopic(t, shop, page.id);
    await aSubscriber(t, shop, page.id, topic);
  });

  it('refuses a system-user token change Meta does not confirm and keeps the old one', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const stored = async (): Promise<string> =>
      (
        (await t.app
          .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
          .query('SELECT system_user_token_enc AS v FROM pages WHERE id = ?', [page.id])) as Array<{ v: string }>
      )[0].v;
    const before = await stored();
    const res = await t
      .http()
      .patch(`/api/pages/${page.id}`)
      .set(shop.auth)
      .send({ systemUserToken: 'EAAB-made-up-system-user' })
      .expect(422);
    expect(res.body).toMatchObject({
      error: 'token_cannot_use_ad_account',
      fields: [expect.objectContaining({ field: 'systemUserToken' })],
    });
    await t.http().patch(`/api/pages/${page.id}`).set(shop.auth).send({ adAccountId: aMetaId() }).expect(422);
    expect(await stored()).toBe(before);
    expect((await t.http().get(`/api/pages/${page.id}`).set(shop.auth).expect(200)).body.adAccountId).toBe(page.adAccountId);
  });
});
