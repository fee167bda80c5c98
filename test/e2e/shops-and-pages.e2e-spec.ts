import { type DataSource } from 'typeorm';
import { aPage, aPageInput, aShop, registerAtMeta } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

describe.each(testDatabases())('shops, Pages and API keys on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db);
  });
  afterAll(() => t.close());

  it('reports the database as up on /health', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.info.database.status).toBe('up');
  });

  it('refuses /api calls without a key or with an unknown key', async () => {
    await t.http().get('/api/pages').expect(401);
    const res = await t.http().get('/api/pages').set({ Authorization: 'Bearer mmk_not-a-real-key' }).expect(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('registers a Page and reads it back without its tokens', async () => {
    const shop = await aShop(t);
    const input = aPageInput({ systemUserToken: 'EAAB-system-user-secret', adAccountId: 'act_1234567890', pricePerMessage: 120 });
    await registerAtMeta(t, input);
    const created = await t.http().post('/api/pages').set(shop.auth).send(input).expect(201);
    expect(created.body).toMatchObject({
      id: input.id,
      name: input.name,
      platform: 'facebook',
      adAccountId: '1234567890',
      hasSystemUserToken: true,
      pricePerMessage: 120,
    });

    const read = await t.http().get(`/api/pages/${input.id}`).set(shop.auth).expect(200);
    const body = JSON.stringify(read.body);
    expect(body).not.toContain(input.accessToken);
    expect(body).not.toContain('EAAB-system-user-secret');
    expect(Object.keys(read.body)).not.toEqual(expect.arrayContaining(['accessToken']));
    const list = await t.http().get('/api/pages').set(shop.auth).expect(200);
    expect(list.body.map((p: { id: string }) => p.id)).toEqual([input.id]);
  });

  it('stores Page tokens encrypted and never logs them', async () => {
    const shop = await aShop(t);
    const input = await aPage(t, shop);
    const [row] = await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT access_token_enc FROM pages WHERE id = ?', [input.id]);
    expect(row.access_token_enc).not.toContain(input.accessToken);
    expect(row.access_token_enc).toMatch(/^v2\.[0-9a-f]{8}\./);
    expect(t.logs.join('\n')).not.toContain(input.accessToken);
  });

  it("answers 404 for another shop's Page, whatever the verb", async () => {
    const owner = await aShop(t, 'Owner');
    const other = await aShop(t, 'Other');
    const input = await aPage(t, owner);
    await t.http().get(`/api/pages/${input.id}`).set(other.auth).expect(404);
    await t.http().patch(`/api/pages/${input.id}`).set(other.auth).send({ name: 'Hijacked' }).expect(404);
    await t.http().delete(`/api/pages/${input.id}`).set(other.auth).expect(404);
    expect((await t.http().get('/api/pages').set(other.auth).expect(200)).body).toEqual([]);
    expect((await t.http().get(`/api/pages/${input.id}`).set(owner.auth).expect(200)).body.name).toBe(input.name);
  });

  it('names the field and the rule when input is wrong, and stores nothing', async () => {
    const shop = await aShop(t);
    const bad = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send({ ...aPageInput(), platform: 'myspace' })
      .expect(400);
    expect(bad.body.error).toBe('validation_failed');
    expect(bad.body.fields).toEqual([expect.objectContaining({ field: 'platform', rule: 'isIn' })]);

    const unknown = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send({ ...aPageInput(), colour: 'red' })
      .expect(400);
    expect(unknown.body.fields).toEqual([expect.objectContaining({ field: 'colour', rule: 'whitelistValidation' })]);

    const malformed = await t.http().post('/api/pages').set(shop.auth).set('Content-Type', 'application/json').send('{"id": ').expect(400);
    expect(malformed.body.statusCode).toBe(400);
    expect((await t.http().get('/api/pages').set(shop.auth)).body).toEqual([]);
  });

  it('refuses to register the same Page twice', async () => {
    const shop = await aShop(t);
    const input = await aPage(t, shop);
    const res = await t.http().post('/api/pages').set(shop.auth).send(input).expect(409);
    expect(res.body).toMatchObject({ error: 'page_exists', fields: [expect.objectContaining({ field: 'id' })] });
  });

  it('updates a Page and keeps the token out of the answer', async () => {
    const shop = await aShop(t);
    const input = await aPage(t, shop);
    // The Page's token is rotated at Meta; the plugin is given the new one.
    await registerAtMeta(t, { ...input, accessToken: 'EAAG-rotated-token-123' });
    const res = await t
      .http()
      .patch(`/api/pages/${input.id}`)
      .set(shop.auth)
      .send({ name: 'Renamed', accessToken: 'EAAG-rotated-token-123' })
      .expect(200);
    expect(res.body.name).toBe('Renamed');
    expect(JSON.stringify(res.body)).not.toContain('rotated');
  });

  it('serves the OpenAPI document', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/pages', '/api/pages/{pageId}', '/health']));
  });
});
