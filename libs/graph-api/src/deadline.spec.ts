import { FakeGraphServer } from '../test/fake-graph-server';
import { SYSTEM_TOKEN, aClient } from '../test/test-client';

/** `within(ms)`: every call of the view, retries and waits included, ends by the deadline. */
describe('GraphApiClient.within (a total time bound for calls made while a user waits)', () => {
  let server: FakeGraphServer;
  beforeAll(async () => {
    server = await FakeGraphServer.start();
  });
  afterAll(() => server.stop());

  it('cuts a hanging attempt at the time left, not at the per-attempt timeout, and says the outcome is unknown', async () => {
    server.answer(() => ({ hang: true }));
    const t = aClient(server.baseUrl, { timeoutMs: 10_000 });
    const started = performance.now();
    const result = await t.client.within(300).createMessageCampaign(SYSTEM_TOKEN, '777', { name: 'x', pageId: '1' });
    const ms = performance.now() - started;
    t.client.close();
    expect(ms).toBeLessThan(1_500);
    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'timeout', delivery: 'unknown' } });
  });

  it('does not wait out a rate limit that ends after the deadline: the rate-limit error is the answer', async () => {
    server.answer(() => ({
      status: 400,
      body: { error: { message: 'Application request limit reached', code: 4, type: 'OAuthException' } },
      headers: { 'retry-after': '5' },
    }));
    const t = aClient(server.baseUrl, { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
    const started = performance.now();
    const result = await t.client.within(500).readMessageCampaign(SYSTEM_TOKEN, '120000001');
    t.client.close();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
  });

  it('makes no attempt once the time is spent, and the client itself stays unbounded', async () => {
    server.answer(() => ({ status: 200, body: { id: '120000001', name: 'n', status: 'ACTIVE', daily_budget: '5000' } }));
    const t = aClient(server.baseUrl);
    const spent = t.client.within(0);
    const before = server.requests.length;
    expect(await spent.readMessageCampaign(SYSTEM_TOKEN, '120000001')).toMatchObject({
      ok: false,
      error: { kind: 'transient', reason: 'timeout', delivery: 'not_sent' },
    });
    expect(server.requests.length).toBe(before);
    // Graph spells budgets as numeric strings; the client reads them as numbers.
    expect(await t.client.readMessageCampaign(SYSTEM_TOKEN, '120000001')).toEqual({
      ok: true,
      value: { id: '120000001', name: 'n', status: 'ACTIVE', dailyBudget: 5000 },
    });
    t.client.close();
  });

  it("finds campaigns by name on the ad account's campaigns edge, with Meta's filtering parameter", async () => {
    server.answer(() => ({ status: 200, body: { data: [{ id: '1', name: 'Sale [pm:abc]', status: 'PAUSED', lifetime_budget: 900 }] } }));
    const t = aClient(server.baseUrl);
    const found = await t.client.findMessageCampaigns(SYSTEM_TOKEN, '777', 'pm:abc');
    t.client.close();
    expect(found).toEqual({ ok: true, value: [{ id: '1', name: 'Sale [pm:abc]', status: 'PAUSED', lifetimeBudget: 900 }] });
    const last = server.requests[server.requests.length - 1]!;
    expect(last.path).toBe('/v23.0/act_777/campaigns');
    expect(JSON.parse(last.query.filtering!)).toEqual([{ field: 'name', operator: 'CONTAIN', value: 'pm:abc' }]);
  });
});
