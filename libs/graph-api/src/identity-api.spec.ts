import { FakeGraphServer } from '../test/fake-graph-server';
import { PAGE_ID, PAGE_TOKEN, aClient, type TestClient } from '../test/test-client';

describe('whose token is it', () => {
  let server: FakeGraphServer;
  let t: TestClient;

  beforeAll(async () => {
    server = await FakeGraphServer.start();
    t = aClient(server.baseUrl);
  });
  afterAll(async () => {
    t.client.close();
    await server.stop();
  });

  it('reads GET /me?fields=id,name as the Page the token speaks for', async () => {
    server.answer(() => ({ status: 200, body: { id: PAGE_ID, name: 'Manila Threads PH' } }));
    expect(await t.client.getTokenIdentity(PAGE_TOKEN)).toEqual({ ok: true, value: { id: PAGE_ID, name: 'Manila Threads PH' } });
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v23.0/me', query: { fields: 'id,name' } });
  });

  it('answers an invalid token (190) as auth_invalid and an answer without an id as unknown', async () => {
    server.answer(() => ({ status: 400, body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } } }));
    const refused = await t.client.getTokenIdentity('EAAG-made-up');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'auth_invalid', code: 190 } });
    server.answer(() => ({ status: 200, body: { name: 'No id' } }));
    expect(await t.client.getTokenIdentity(PAGE_TOKEN)).toMatchObject({ ok: false, error: { kind: 'unknown' } });
  });

  it('reads GET /act_<id>?fields=id,account_status,currency with the id without act_', async () => {
    server.answer(() => ({ status: 200, body: { id: 'act_3003', account_status: 1, currency: 'PHP' } }));
    expect(await t.client.getAdAccountAccess('system-token', 'act_3003')).toEqual({
      ok: true,
      value: { id: '3003', accountStatus: 1, currency: 'PHP' },
    });
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: '/v23.0/act_3003', query: { fields: 'id,account_status,currency' } });
  });
});
