import { aConnectedPage, aCustomerWhoWrote, aShop, aTopic } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe.each(testDatabases())('MM topics on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  it('creates a topic under a Page and lists it with zero subscribers', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const created = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .send({ title: 'Summer arrivals', imageUrl: 'https://cdn.shop.ph/summer.jpg', ctaText: 'GET' })
      .expect(201);
    expect(created.body).toMatchObject({
      title: 'Summer arrivals',
      active: true,
      ctaText: 'GET',
      subscribers: { active: 0, stopped: 0, expired: 0 },
    });
    expect(created.body.payload).toMatch(/^mm:summer-arrivals:/);
    const list = await t.http().get(`/api/pages/${page.id}/topics`).set(shop.auth).expect(200);
    expect(list.body.map((x: { title: string }) => x.title)).toEqual(['Summer arrivals']);
  });

  it('names the field when a topic breaks a platform limit', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const long = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .send({ title: 'x'.repeat(66) })
      .expect(400);
    expect(long.body.fields).toEqual([expect.objectContaining({ field: 'title', rule: 'isLength' })]);
    const http = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .send({ title: 'Sale', imageUrl: 'http://insecure.example/x.jpg' })
      .expect(400);
    expect(http.body.fields[0].field).toBe('imageUrl');
  });

  it('keeps titles unique among active topics only', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    await aTopic(t, shop, page.id, { title: 'Flash sale' });
    const dup = await t.http().post(`/api/pages/${page.id}/topics`).set(shop.auth).send({ title: 'Flash sale' }).expect(409);
    expect(dup.body).toMatchObject({ error: 'topic_title_taken', fields: [expect.objectContaining({ field: 'title' })] });
    await t.http().post(`/api/pages/${page.id}/topics`).set(shop.auth).send({ title: 'Flash sale', active: false }).expect(201);
  });

  it("answers 404 for another shop's Page and topics", async () => {
    const owner = await aShop(t);
    const other = await aShop(t);
    const page = await aConnectedPage(t, owner);
    const topicId = await aTopic(t, owner, page.id);
    await t.http().get(`/api/pages/${page.id}/topics`).set(other.auth).expect(404);
    await t.http().get(`/api/pages/${page.id}/topics/${topicId}`).set(other.auth).expect(404);
    await t.http().post(`/api/pages/${page.id}/topics`).set(other.auth).send({ title: 'Mine now' }).expect(404);
  });

  it('refuses to delete a topic with history, and archiving keeps it and frees the title', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Back to school' });
    const psid = await aCustomerWhoWrote(t, page.id);
    await t.http().post(`/api/pages/${page.id}/optin-requests`).set(shop.auth).send({ psid, topicId }).expect(201);

    const refused = await t.http().delete(`/api/pages/${page.id}/topics/${topicId}`).set(shop.auth).expect(409);
    expect(refused.body.error).toBe('topic_has_history');
    const archived = await t.http().post(`/api/pages/${page.id}/topics/${topicId}/archive`).set(shop.auth).expect(200);
    expect(archived.body).toMatchObject({ active: false, archivedAt: expect.any(String) });
    await aTopic(t, shop, page.id, { title: 'Back to school' });

    const unused = await aTopic(t, shop, page.id);
    await t.http().delete(`/api/pages/${page.id}/topics/${unused}`).set(shop.auth).expect(204);
  });
});
