import { FakeGraphServer, metaError } from '../test/fake-graph-server';
import { FIXED_NOW, PAGE_ID, PAGE_TOKEN, PSID, SYSTEM_TOKEN, aClient, type TestClient } from '../test/test-client';
import { buildTextMessage } from './message-builders';
import { backoffDelayMs } from './retry';

const sent = { status: 200, body: { recipient_id: PSID, message_id: 'm_1' } };

describe('retries inside the client', () => {
  let server: FakeGraphServer;
  let t: TestClient;

  beforeAll(async () => {
    server = await FakeGraphServer.start();
  });
  beforeEach(() => {
    t = aClient(server.baseUrl, { timeoutMs: 150 });
  });
  afterEach(() => t.client.close());
  afterAll(async () => {
    await server.stop();
  });

  const sendMarketing = () =>
    t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
      messageCampaignId: '1',
      subscriptionToken: 'sub-token',
      message: buildTextMessage('Hi'),
    });

  it('retries a 500 and returns the success that follows', async () => {
    server.answerInOrder({ status: 500 }, sent);

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result).toEqual({ ok: true, value: { recipientId: PSID, messageId: 'm_1' } });
    expect(server.requests).toHaveLength(2);
    // Full jitter with random() = 0.5 on the first backoff step of 200 ms.
    expect(t.sleeps).toEqual([100]);
  });

  it('retries (#1200) Temporary send message failure answered with HTTP 400 and is_transient, then succeeds', async () => {
    server.answerInOrder(metaError(1200, { subcode: 2018024, message: '(#1200) Temporary send message failure', isTransient: true }), sent);

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result).toEqual({ ok: true, value: { recipientId: PSID, messageId: 'm_1' } });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a paid marketing send that Meta refused with is_transient (nothing was sent), then succeeds', async () => {
    server.answerInOrder(metaError(2300999, { message: 'Please retry', isTransient: true }), {
      status: 200,
      body: { success: true, marketing_message_tracking_id: 'trk-1' },
    });

    expect(await sendMarketing()).toEqual({ ok: true, value: { trackingId: 'trk-1' } });
    expect(server.requests).toHaveLength(2);
  });

  it('stops after maxAttempts and returns transient', async () => {
    server.answerInOrder({ status: 503 });

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', delivery: 'not_sent', httpStatus: 503 } });
    expect(server.requests).toHaveLength(4);
    expect(t.sleeps).toEqual([100, 200, 400]);
  });

  it('waits out a short rate limit with the injected sleep, then succeeds', async () => {
    server.answerInOrder(metaError(613, { errorData: { remaining_seconds: 5 } }), sent);

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result.ok).toBe(true);
    expect(t.sleeps).toEqual([5_000]);
  });

  it('counts rate-limit waits in the same attempt budget', async () => {
    server.answerInOrder(metaError(4, { errorData: { remaining_seconds: 1 } }));

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
    expect(server.requests).toHaveLength(4);
  });

  it('returns a rate limit longer than maxRateLimitWaitMs as rate_limited with retryAt, without waiting', async () => {
    server.answerInOrder(metaError(100, { subcode: 2300078, errorData: { remaining_seconds: 600 } }));

    const result = await sendMarketing();

    expect(result).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 600_000, retryAt: new Date(FIXED_NOW + 600_000) },
    });
    expect(server.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('returns a timed-out sendMarketingMessage as transient with delivery unknown and does not repeat it', async () => {
    server.answerInOrder({ hang: true });

    const result = await sendMarketing();

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'timeout', delivery: 'unknown' } });
    expect(server.requests).toHaveLength(1);
    expect(t.sleeps).toEqual([]);
  });

  it('does not repeat a Send API message after a connection reset either', async () => {
    server.answerInOrder({ reset: true });

    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'connection_reset', delivery: 'unknown' } });
    expect(server.requests).toHaveLength(1);
  });

  it('repeats a timed-out read, which cannot send anything twice', async () => {
    server.answerInOrder({ hang: true }, { status: 200, body: { data: [] } });

    const result = await t.client.listSubscriptionTokens(PAGE_TOKEN, PAGE_ID);

    expect(result).toEqual({ ok: true, value: { items: [] } });
    expect(server.requests).toHaveLength(2);
  });

  it('retries a refused connection (nothing was sent) and reports not_sent when it persists', async () => {
    const closed = await FakeGraphServer.start();
    const url = closed.baseUrl;
    await closed.stop();
    const refused = aClient(url);

    const result = await refused.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
      messageCampaignId: '1',
      subscriptionToken: 'sub-token',
      message: buildTextMessage('Hi'),
    });
    refused.client.close();

    expect(result).toMatchObject({ ok: false, error: { kind: 'transient', reason: 'connection_refused', delivery: 'not_sent' } });
    expect(refused.sleeps).toHaveLength(3);
  });

  it('logs each retry as a warning', async () => {
    server.answerInOrder({ status: 500 }, sent);
    await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');
    expect(t.logs.filter((l) => l.level === 'warn')).toEqual([
      expect.objectContaining({ msg: 'Graph call will be retried', meta: expect.objectContaining({ attempt: 1, kind: 'transient' }) }),
    ]);
  });
});

describe('backoffDelayMs', () => {
  const policy = (r: number) => ({ baseDelayMs: 200, maxDelayMs: 5_000, random: () => r });

  it('doubles the ceiling per attempt and caps it at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => backoffDelayMs(a, policy(0.999999)))).toEqual([199, 399, 799, 1599, 3199, 4999, 4999]);
  });

  it('draws from zero (full jitter)', () => {
    expect(backoffDelayMs(5, policy(0))).toBe(0);
  });
});
