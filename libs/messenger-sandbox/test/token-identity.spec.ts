import {
  AD_ACCOUNT_ID,
  IG_PAGE_TOKEN,
  PAGE_ID,
  PAGE_TOKEN,
  SYSTEM_TOKEN,
  resetWorld,
  startHarness,
  stopHarness,
  type Harness,
} from './sandbox-fixture';

/**
 * Whose a token is, as Meta answers it: `GET /me` with a Page access token is that Page
 * (https://developers.facebook.com/docs/graph-api/reference/page/), and `GET /act_<id>` answers only
 * a token that can use the ad account (https://developers.facebook.com/docs/marketing-api/reference/ad-account/).
 */
describe('token identity', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  it('answers GET /me with a Page token with that Page’s id and name', async () => {
    const answer = await h.graph.get('/me', PAGE_TOKEN, { fields: 'id,name' });
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({ id: PAGE_ID, name: expect.any(String) });
    expect((await h.graph.get('/me', IG_PAGE_TOKEN, { fields: 'id' })).data).toEqual({ id: '2002' });
  });

  it('refuses GET /me with a token Meta never issued with 190', async () => {
    const answer = await h.graph.get('/me', 'EAAG-made-up', { fields: 'id,name' });
    expect(answer.status).toBe(400);
    expect(answer.data.error).toMatchObject({ type: 'OAuthException', code: 190 });
  });

  it('answers GET /act_<id> to the system user that can use the ad account, and 100/33 to any other token', async () => {
    const own = await h.graph.get(`/act_${AD_ACCOUNT_ID}`, SYSTEM_TOKEN, { fields: 'id,account_status,currency' });
    expect(own.status).toBe(200);
    expect(own.data).toEqual({ id: `act_${AD_ACCOUNT_ID}`, account_status: 1, currency: expect.any(String) });
    const pageToken = await h.graph.get(`/act_${AD_ACCOUNT_ID}`, PAGE_TOKEN, { fields: 'id' });
    expect(pageToken.data.error).toMatchObject({ code: 100, error_subcode: 33 });
    const unknownAccount = await h.graph.get('/act_999999', SYSTEM_TOKEN, { fields: 'id' });
    expect(unknownAccount.data.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.graph.get(`/act_${AD_ACCOUNT_ID}`, 'EAAB-made-up', {})).data.error).toMatchObject({ code: 190 });
  });
});
