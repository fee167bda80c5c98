import { FakeGraphServer, metaError, type FakeAnswer } from '../test/fake-graph-server';
import { FIXED_NOW, PAGE_ID, PAGE_TOKEN, PSID, SYSTEM_TOKEN, aClient, type TestClient } from '../test/test-client';
import { buildTextMessage } from './message-builders';

/** Marketing Message numbers arrive as `error_subcode` under a generic code; some arrive as `code`. */
const mm = (n: number, extra: { message?: string; errorData?: unknown } = {}): FakeAnswer => metaError(100, { subcode: n, ...extra });

const MM_TABLE: Array<[number, Record<string, unknown>]> = [
  [2300000, { kind: 'campaign_not_active' }],
  [2300001, { kind: 'message_invalid' }],
  [2300003, { kind: 'message_not_active' }],
  [2300004, { kind: 'token_invalid' }],
  [2300005, { kind: 'token_other_page' }],
  [2300011, { kind: 'payment_required', problem: 'no_payment_method' }],
  [2300013, { kind: 'terms_not_accepted' }],
  [2300015, { kind: 'budget_reached', scope: 'lifetime' }],
  [2300017, { kind: 'payment_required', problem: 'spend_limit' }],
  [2300019, { kind: 'terms_not_accepted' }],
  [2300023, { kind: 'button_invalid' }],
  [2300024, { kind: 'button_invalid' }],
  [2300025, { kind: 'button_invalid' }],
  [2300026, { kind: 'button_invalid' }],
  [2300028, { kind: 'pacing', retryAfterMs: 3_600_000 }],
  [2300030, { kind: 'region_not_allowed', scope: 'ad_account' }],
  [2300031, { kind: 'region_not_allowed', scope: 'page' }],
  [2300032, { kind: 'region_not_allowed', scope: 'recipient' }],
  [2300034, { kind: 'subscriber_stopped' }],
  [2300035, { kind: 'too_early' }],
  [2300036, { kind: 'person_unavailable' }],
  [2300037, { kind: 'token_expired' }],
  [2300038, { kind: 'placeholder_unresolved' }],
  [2300042, { kind: 'frequency_capped' }],
  [2300043, { kind: 'frequency_capped' }],
  [2300044, { kind: 'frequency_capped' }],
  [2300052, { kind: 'person_unavailable' }],
  [2300053, { kind: 'budget_reached', scope: 'lifetime' }],
  [2300054, { kind: 'budget_reached', scope: 'daily' }],
  [2300055, { kind: 'pacing', retryAfterMs: 1_800_000 }],
  [2300056, { kind: 'payment_required', problem: 'spend_limit' }],
  [2300058, { kind: 'payment_required', problem: 'balance' }],
  [2300059, { kind: 'payment_required', problem: 'balance' }],
  [2300061, { kind: 'pacing', retryAfterMs: 1_800_000 }],
  [2300062, { kind: 'pacing', retryAfterMs: 1_800_000 }],
  [2300066, { kind: 'terms_not_accepted' }],
  [2300067, { kind: 'terms_not_accepted' }],
  [2300069, { kind: 'terms_not_accepted' }],
  [2300078, { kind: 'rate_limited' }],
  [2300079, { kind: 'rate_limited' }],
  [2300080, { kind: 'rate_limited', retryAfterMs: 3_600_000 }],
  [2300099, { kind: 'unknown', code: 100, subcode: 2300099 }],
];

const GRAPH_TABLE: Array<[string, FakeAnswer, Record<string, unknown>]> = [
  ['10/2018278 outside the window', metaError(10, { subcode: 2018278 }), { kind: 'outside_window' }],
  ['613/1893016 duplicate opt-in', metaError(613, { subcode: 1893016 }), { kind: 'optin_duplicate' }],
  ['9/2018352 too many opt-ins', metaError(9, { subcode: 2018352 }), { kind: 'optin_limit' }],
  ['4/2018354 opt-in sent too soon', metaError(4, { subcode: 2018354 }), { kind: 'optin_limit' }],
  ['10/1404170 Page restricted', metaError(10, { subcode: 1404170 }), { kind: 'page_restricted' }],
  ['10/1893015 topic stopped', metaError(10, { subcode: 1893015 }), { kind: 'topic_stopped' }],
  ['551/1545041 person unavailable', metaError(551, { subcode: 1545041 }), { kind: 'person_unavailable' }],
  ['4 app rate limit', metaError(4), { kind: 'rate_limited' }],
  ['17 user rate limit', metaError(17), { kind: 'rate_limited' }],
  ['32 page rate limit', metaError(32), { kind: 'rate_limited' }],
  ['613 without opt-in subcode', metaError(613), { kind: 'rate_limited' }],
  ['80004 ads management throttling', metaError(80004), { kind: 'rate_limited' }],
  ['80006 Messenger throttling', metaError(80006), { kind: 'rate_limited' }],
  ['1 unknown error', metaError(1, { status: 500 }), { kind: 'transient', reason: 'graph_transient', delivery: 'not_sent' }],
  ['2 service unavailable', metaError(2, { status: 503 }), { kind: 'transient', reason: 'graph_transient', delivery: 'not_sent' }],
  ['190 token expired', metaError(190, { subcode: 463 }), { kind: 'auth_invalid', subcode: 463 }],
  ['102 session', metaError(102), { kind: 'auth_invalid' }],
  ['10 permission denied', metaError(10, { message: '(#10) Requires pages_messaging permission' }), { kind: 'auth_invalid' }],
  ['10 unknown subcode about permissions', metaError(10, { subcode: 99, message: 'Permission missing' }), { kind: 'auth_invalid' }],
  [
    '10 unknown subcode about something else',
    metaError(10, { subcode: 99, message: 'Something else' }),
    { kind: 'unknown', code: 10, subcode: 99 },
  ],
  ['200 permission', metaError(200), { kind: 'auth_invalid' }],
  ['299 permission', metaError(299), { kind: 'auth_invalid' }],
  ['100 invalid parameter', metaError(100, { message: 'Invalid parameter' }), { kind: 'invalid_request' }],
  [
    '100 on a deprecated tag named in the text',
    metaError(100, { message: 'The POST_PURCHASE_UPDATE tag is no longer supported' }),
    { kind: 'tag_not_allowed' },
  ],
  ['unlisted code', metaError(12345, { subcode: 777 }), { kind: 'unknown', code: 12345, subcode: 777 }],
  // Meta's "retry this" flag wins over a final-looking code and a 4xx status.
  [
    '1200/2018024 temporary send failure with HTTP 400 and is_transient',
    metaError(1200, { subcode: 2018024, message: '(#1200) Temporary send message failure', isTransient: true }),
    { kind: 'transient', reason: 'graph_transient', delivery: 'not_sent', httpStatus: 400, code: 1200, subcode: 2018024 },
  ],
  [
    '1200 without the flag is transient too',
    metaError(1200, { message: '(#1200) Temporary send message failure' }),
    { kind: 'transient', delivery: 'not_sent' },
  ],
  [
    'an unlisted code with is_transient',
    metaError(12345, { subcode: 777, isTransient: true }),
    { kind: 'transient', delivery: 'not_sent', code: 12345, subcode: 777 },
  ],
  [
    'a code-100 refusal with is_transient',
    metaError(100, { message: 'Invalid parameter', isTransient: true }),
    { kind: 'transient', delivery: 'not_sent' },
  ],
  [
    'is_transient false leaves a final refusal final',
    metaError(100, { message: 'Invalid parameter', isTransient: false }),
    { kind: 'invalid_request' },
  ],
  ['a throttle flagged transient keeps its wait', metaError(4, { isTransient: true }), { kind: 'rate_limited', retryAfterMs: 60_000 }],
  // Instagram's numbers for the same conditions mean what their Messenger twins mean.
  ['Instagram 10/2534022 outside the window (twin of 10/2018278)', metaError(10, { subcode: 2534022 }), { kind: 'outside_window' }],
  ['Instagram 100/2534014 person unavailable (twin of 551/1545041)', metaError(100, { subcode: 2534014 }), { kind: 'person_unavailable' }],
  ['Instagram 80002 throttling (twin of Messenger 80006)', metaError(80002), { kind: 'rate_limited' }],
  ['Instagram -1/2207001 server error', metaError(-1, { subcode: 2207001 }), { kind: 'transient', delivery: 'not_sent' }],
  ['Instagram -2/2207003 slow download', metaError(-2, { subcode: 2207003 }), { kind: 'transient', delivery: 'not_sent' }],
  ['Instagram -2/2207020 expired media stays final', metaError(-2, { subcode: 2207020 }), { kind: 'unknown', code: -2 }],
];

describe('error mapping', () => {
  let server: FakeGraphServer;
  let t: TestClient;

  beforeAll(async () => {
    server = await FakeGraphServer.start();
    // One attempt: this suite is about naming outcomes, not about retrying them.
    t = aClient(server.baseUrl, { retry: { maxAttempts: 1 } });
  });
  afterAll(async () => {
    t.client.close();
    await server.stop();
  });

  const sendMarketing = () =>
    t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
      messageCampaignId: '1',
      subscriptionToken: 'sub-token',
      message: buildTextMessage('Hi'),
    });

  it.each(MM_TABLE)('Marketing Message %i in error_subcode is %o', async (n, expected) => {
    server.answerInOrder(mm(n));
    const result = await sendMarketing();
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ subcode: n, httpStatus: 400, fbtraceId: 'AbCdEfTrace', ...expected }),
    });
  });

  it('accepts a Marketing Message number in `code` as well', async () => {
    server.answerInOrder(metaError(2300034));
    expect(await sendMarketing()).toMatchObject({ ok: false, error: { kind: 'subscriber_stopped', code: 2300034 } });
  });

  it.each(GRAPH_TABLE)('%s', async (_label, answer, expected) => {
    server.answerInOrder(answer);
    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi');
    expect(result).toEqual({ ok: false, error: expect.objectContaining(expected) });
  });

  it('names code 100 on a request carrying a deprecated tag tag_not_allowed', async () => {
    server.answerInOrder(metaError(100, { message: 'Invalid parameter' }));
    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi', { messagingType: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE' });
    expect(result).toMatchObject({ ok: false, error: { kind: 'tag_not_allowed', code: 100 } });
  });

  it('reads pacing remaining_seconds into retryAfterMs and retryAt', async () => {
    server.answerInOrder(mm(2300055, { errorData: { remaining_seconds: 900 } }));
    expect(await sendMarketing()).toMatchObject({
      ok: false,
      error: { kind: 'pacing', retryAfterMs: 900_000, retryAt: new Date(FIXED_NOW + 900_000) },
    });
  });

  it('reads error_data sent as a JSON string', async () => {
    server.answerInOrder(mm(2300061, { errorData: JSON.stringify({ remaining_seconds: 120 }) }));
    expect(await sendMarketing()).toMatchObject({ ok: false, error: { kind: 'pacing', retryAfterMs: 120_000 } });
  });

  it('reads next_eligible_time on too_early', async () => {
    server.answerInOrder(mm(2300035, { errorData: { next_eligible_time: 1_795_000_000 } }));
    expect(await sendMarketing()).toMatchObject({
      ok: false,
      error: { kind: 'too_early', nextEligibleAt: new Date(1_795_000_000_000) },
    });
  });

  it('takes the rate-limit wait from the business-use-case header when error_data has none', async () => {
    server.answerInOrder({
      ...(metaError(80006) as { status: number; body: unknown }),
      headers: { 'x-business-use-case-usage': JSON.stringify({ [PAGE_ID]: [{ type: 'messenger', estimated_time_to_regain_access: 5 }] }) },
    });
    expect(await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi')).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 300_000 },
    });
  });

  it('names warm-up wording message_not_active, even under 2300000', async () => {
    server.answerInOrder(mm(2300000, { message: 'Campaign is still being populated, try again later' }));
    expect(await sendMarketing()).toMatchObject({ ok: false, error: { kind: 'message_not_active' } });

    server.answerInOrder(mm(2300090, { message: 'Message is not ready' }));
    expect(await sendMarketing()).toMatchObject({ ok: false, error: { kind: 'message_not_active' } });
  });

  it('maps a bare 5xx to transient not_sent, a 504 to delivery unknown, a bare 429 to rate_limited', async () => {
    server.answerInOrder({ status: 502, body: '<html>bad gateway</html>' });
    expect(await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi')).toMatchObject({
      ok: false,
      error: { kind: 'transient', reason: 'server_error', delivery: 'not_sent', httpStatus: 502, code: 0 },
    });

    server.answerInOrder({ status: 504 });
    expect(await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi')).toMatchObject({
      ok: false,
      error: { kind: 'transient', delivery: 'unknown', httpStatus: 504 },
    });

    server.answerInOrder({ status: 429, headers: { 'retry-after': '3' } });
    expect(await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi')).toMatchObject({
      ok: false,
      error: { kind: 'rate_limited', retryAfterMs: 3_000, httpStatus: 429 },
    });
  });
});
