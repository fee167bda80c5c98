import { createHmac } from 'node:crypto';
import { APP_SECRET, HOUR, PAGE_ID, aSubscriber, resetWorld, startHarness, stopHarness, type Harness } from './sandbox-fixture';

describe('webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  it('signs each webhook with X-Hub-Signature-256 over the exact raw body', async () => {
    const { mid, timestamp } = await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'Hallo ü' });
    const [hook] = h.receiver.received;
    const expected = `sha256=${createHmac('sha256', APP_SECRET).update(hook.raw).digest('hex')}`;
    expect(hook.signature).toBe(expected);
    expect(hook.body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: timestamp,
          messaging: [{ sender: { id: 'p1' }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text: 'Hallo ü' } }],
        },
      ],
    });
  });

  it('posts a message of a thread another app owns in standby, and it opens the window all the same', async () => {
    const { mid, timestamp } = await h.sandbox.control.personMessage({
      pageId: PAGE_ID,
      psid: 'p1',
      text: 'Still in stock?',
      standby: true,
    });
    expect(h.receiver.received[0]!.body.entry).toEqual([
      {
        id: PAGE_ID,
        time: timestamp,
        standby: [{ sender: { id: 'p1' }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text: 'Still in stock?' } }],
      },
    ]);
    expect((await h.graph.optinRequest('p1')).status).toBe(200);
  });

  it('posts the opt-in webhook of docs/meta-platform.md §3, then STOP and RESUME status changes', async () => {
    const token = await aSubscriber(h, 'p1', 'Deals');
    await h.sandbox.control.personStop({ pageId: PAGE_ID, psid: 'p1' });
    await h.sandbox.control.personResume({ pageId: PAGE_ID, psid: 'p1' });
    const optins = h.receiver.received.map((hook) => hook.body.entry[0].messaging?.[0]).filter((event) => event?.optin !== undefined);
    expect(optins[0]?.optin).toEqual({
      type: 'notification_messages',
      payload: 'optin-payload',
      notification_messages_token: token,
      notification_messages_timezone: 'UTC',
      user_token_status: 'NOT_REFRESHED',
      title: 'Deals',
    });
    expect(optins.map((event) => (event?.optin as { notification_messages_status?: string }).notification_messages_status)).toEqual([
      undefined,
      'STOP_NOTIFICATIONS',
      'RESUME_NOTIFICATIONS',
    ]);
  });

  it("writes the opt-in's times and status in the other forms Meta documents when asked (seconds, quoted seconds, a space)", async () => {
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    await h.graph.optinRequest('p1');
    const now = await h.sandbox.control.now();
    await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1', tokenExpiresInMs: HOUR, times: 'quoted-seconds' });
    await h.sandbox.control.personStop({ pageId: PAGE_ID, psid: 'p1', times: 'seconds', statusSpelling: 'space' });
    const [optin, stop] = h.receiver.received
      .map((hook) => hook.body.entry[0].messaging?.[0])
      .filter((event) => event?.optin !== undefined);
    expect(optin).toMatchObject({
      timestamp: String(Math.floor(now / 1000)),
      optin: { token_expiry_timestamp: String(Math.floor((now + HOUR) / 1000)) },
    });
    expect(stop).toMatchObject({ timestamp: Math.floor(now / 1000), optin: { notification_messages_status: 'STOP NOTIFICATIONS' } });
    await expect(h.sandbox.control.personResume({ pageId: PAGE_ID, psid: 'p1', times: 'minutes' as 'ms' })).rejects.toThrow(
      /times must be one of/,
    );
  });

  it('includes token_expiry_timestamp only when the token expires', async () => {
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    await h.graph.optinRequest('p1');
    const now = await h.sandbox.control.now();
    await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1', tokenExpiresInMs: HOUR });
    const optin = h.receiver.received.at(-1)?.body.entry[0].messaging?.[0].optin as Record<string, unknown>;
    expect(optin.token_expiry_timestamp).toBe(now + HOUR);
  });

  it('delivers the same body N times when asked (deliveries)', async () => {
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1', deliveries: 3 });
    expect(h.receiver.received).toHaveLength(3);
    expect(new Set(h.receiver.received.map((hook) => hook.raw)).size).toBe(1);
  });

  it('retries a non-2xx answer and counts webhooks it gave up on', async () => {
    h.receiver.answerStatuses = [500, 503];
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    expect(h.receiver.received).toHaveLength(1);
    h.receiver.answerStatuses = [500, 500, 500, 500];
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    expect(await h.sandbox.control.stats()).toMatchObject({ webhooksPosted: 1, webhooksFailed: 1 });
  });
});

describe('faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  it('answers HTTP 500 code 2 at errorRate 1, and normally at 0', async () => {
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    await h.sandbox.control.setFaults({ errorRate: 1 });
    const failed = await h.graph.text('p1');
    expect(failed.status).toBe(500);
    expect(failed.data.error).toMatchObject({ code: 2, is_transient: true });
    await h.sandbox.control.setFaults({ errorRate: 0 });
    expect((await h.graph.text('p1')).status).toBe(200);
    expect(await h.sandbox.control.stats()).toMatchObject({ sends: 1, requests: 2 });
  });

  it('rate-limits the next n calls: 613 on the Send API, 2300078 on marketing sends', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = (await h.graph.createCampaign()).data.id as string;
    await h.sandbox.control.advanceClock(HOUR);
    await h.sandbox.control.setFaults({ rateLimitNext: 2 });
    expect((await h.graph.text('p1')).data.error).toMatchObject({ code: 613 });
    const limited = await h.graph.marketing(campaignId, token);
    expect(limited.status).toBe(429);
    expect(limited.data.error).toMatchObject({ error_subcode: 2300078, error_data: { remaining_seconds: 60 } });
    expect((await h.graph.marketing(campaignId, token)).status).toBe(200);
  });

  it('answers pacing 2300055 with remaining_seconds for the next n marketing sends', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = (await h.graph.createCampaign()).data.id as string;
    await h.sandbox.control.advanceClock(HOUR);
    await h.sandbox.control.setFaults({ pacingNext: 1 });
    expect((await h.graph.marketing(campaignId, token)).data.error).toMatchObject({
      error_subcode: 2300055,
      error_data: { remaining_seconds: 1800 },
    });
    expect((await h.graph.marketing(campaignId, token)).status).toBe(200);
  });

  it('delays answers by latencyMs', async () => {
    await h.sandbox.control.setFaults({ latencyMs: 50 });
    const started = Date.now();
    await h.graph.text('p1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
