import {
  GraphApiClient,
  appSecretProof,
  buildTextMessage,
  type GraphClientOptions,
  type GraphError,
  type GraphErrorKind,
  type GraphErrorOf,
  type GraphResult,
  type SubscriptionTokenInfo,
} from '../../libs/graph-api/src';
import { startMessengerSandbox, type RunningSandbox, type SandboxControl } from '../../libs/messenger-sandbox/src';

/**
 * The real Graph client against a real Messenger sandbox over HTTP: every error the sandbox can answer
 * is provoked through its control API and real calls, and the client's typed outcome is what a worker
 * would act on. No database: this is the contract between libs/graph-api and libs/messenger-sandbox.
 */

const APP_SECRET = 'graph-client-e2e-app-secret';
// 08:00 UTC, so a daily budget's UTC day has 16 hours left to play in.
const START = Date.parse('2026-06-01T08:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PRICE = 120;

let sandbox: RunningSandbox;
let meta: SandboxControl;
/** The sandbox clock as the client sees it (its `now`), moved only by advance(). */
let sandboxNow = START;
/** Waits the client asked for; its sleep records instead of sleeping. */
let sleeps: number[] = [];
/** Every secret a call was made with: none may appear in a returned error. */
const secrets = new Set<string>([APP_SECRET]);
const clients: GraphApiClient[] = [];

function aClient(options: Partial<GraphClientOptions> = {}): GraphApiClient {
  const client = new GraphApiClient({
    baseUrl: sandbox.graphUrl,
    appSecret: APP_SECRET,
    now: () => sandboxNow,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  clients.push(client);
  return client;
}

let graph: GraphApiClient;

beforeAll(async () => {
  sandbox = await startMessengerSandbox({ port: 0, appSecret: APP_SECRET, startTime: START });
  meta = sandbox.control;
  graph = aClient();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await sandbox.close();
});

beforeEach(async () => {
  await meta.reset();
  sandboxNow = START;
  sleeps = [];
});

async function advance(ms: number): Promise<void> {
  sandboxNow = await meta.advanceClock(ms);
}

// ---- the world at "Meta" -------------------------------------------------------------------------

let seq = 0;
const nextId = (): string => String(104857360000000 + ++seq);
/** Shaped like real Graph tokens (EAA…), so the client's shape-based redaction is exercised too. */
const aToken = (kind: string): string => `EAAG${kind}${nextId()}ZDZD${'x'.repeat(24)}`;

function remember(...values: string[]): void {
  for (const value of values) {
    secrets.add(value);
    secrets.add(appSecretProof(value, APP_SECRET));
  }
}

interface TestPage {
  id: string;
  token: string;
}

async function aPage(overrides: { platform?: 'facebook' | 'instagram'; restricted?: boolean } = {}): Promise<TestPage> {
  const page = { id: nextId(), token: aToken('page') };
  remember(page.token);
  await meta.registerPage({
    id: page.id,
    name: 'Manila Threads PH',
    platform: overrides.platform ?? 'facebook',
    accessToken: page.token,
    restricted: overrides.restricted,
  });
  return page;
}

interface TestAdAccount {
  id: string;
  token: string;
}

async function anAdAccount(pages: TestPage[]): Promise<TestAdAccount> {
  const account = { id: nextId(), token: aToken('system') };
  remember(account.token);
  await meta.registerAdAccount({
    id: account.id,
    systemUserToken: account.token,
    pageIds: pages.map((p) => p.id),
    pricePerMessage: PRICE,
    currency: 'PHP',
  });
  return account;
}

/** A person who writes to the Page (opening the 24 h window). */
async function aPersonWhoWrote(page: TestPage, text = 'Is the blue dress in stock?'): Promise<string> {
  const psid = nextId();
  await meta.personMessage({ pageId: page.id, psid, text });
  return psid;
}

/** A person who wrote, got the opt-in request through the client, and tapped it: their subscription token. */
async function aSubscriber(
  page: TestPage,
  options: { tokenExpiresInMs?: number; title?: string } = {},
): Promise<{ psid: string; token: string }> {
  const psid = await aPersonWhoWrote(page);
  const request = await graph.sendOptinRequest(page.token, page.id, psid, {
    title: options.title ?? 'Flash sales',
    payload: 'topic-flash-sales',
  });
  expect(request.ok).toBe(true);
  const { token } = await meta.personOptin({ pageId: page.id, psid, tokenExpiresInMs: options.tokenExpiresInMs });
  remember(token);
  return { psid, token };
}

interface CampaignFields {
  lifetimeBudget?: number;
  dailyBudget?: number;
}

async function aCampaign(account: TestAdAccount, page: TestPage, fields: CampaignFields = {}): Promise<string> {
  const created = await graph.createMessageCampaign(account.token, account.id, { name: '11.11 sale', pageId: page.id, ...fields });
  if (!created.ok) throw new Error(`campaign not created: ${JSON.stringify(created.error)}`);
  return created.value.id;
}

/** A campaign past its one-hour warm-up. */
async function aWarmCampaign(account: TestAdAccount, page: TestPage, fields: CampaignFields = {}): Promise<string> {
  const id = await aCampaign(account, page, fields);
  await advance(HOUR);
  return id;
}

/** Page, ad account, live campaign: what every marketing-send test starts from. */
async function aMarketingSetup(fields: CampaignFields = {}): Promise<{ page: TestPage; account: TestAdAccount; campaignId: string }> {
  const page = await aPage();
  const account = await anAdAccount([page]);
  const campaignId = await aWarmCampaign(account, page, fields);
  return { page, account, campaignId };
}

function send(
  account: TestAdAccount,
  campaignId: string,
  token: string,
  text = 'Hi {{first_name}}, 20% off today only',
): Promise<GraphResult<{ trackingId: string }>> {
  return graph.sendMarketingMessage(account.token, account.id, {
    messageCampaignId: campaignId,
    subscriptionToken: token,
    message: buildTextMessage(text),
  });
}

// ---- outcome checks ------------------------------------------------------------------------------

function expectNoSecrets(error: GraphError): void {
  const text = JSON.stringify(error);
  for (const secret of secrets) expect(text).not.toContain(secret);
}

/** The call failed with this kind, and the error carries none of the secrets it was made with. */
function expectFailure<K extends GraphErrorKind>(result: GraphResult<unknown>, kind: K): GraphErrorOf<K> {
  expect(result).toMatchObject({ ok: false, error: { kind } });
  if (result.ok) throw new Error('expected a failure');
  expectNoSecrets(result.error);
  return result.error as GraphErrorOf<K>;
}

function expectSuccess<T>(result: GraphResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.error)}`);
  return result.value;
}

// ---- the Send API and opt-in requests (Page token) -----------------------------------------------

describe('Send API and opt-in requests', () => {
  it('refuses a reply 24 hours after the customer wrote as outside_window, and allows it once they write again', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    await advance(DAY);
    const late = await graph.sendText(page.token, page.id, psid, 'Your order has shipped');
    expect(expectFailure(late, 'outside_window')).toMatchObject({ code: 10, subcode: 2018278 });

    await meta.personMessage({ pageId: page.id, psid, text: 'Any news?' });
    expectSuccess(await graph.sendText(page.token, page.id, psid, 'Your order has shipped'));
  });

  it('refuses the deprecated POST_PURCHASE_UPDATE tag as tag_not_allowed while HUMAN_AGENT still reaches a customer who wrote 2 days ago', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    await advance(2 * DAY);
    const tagged = await graph.sendText(page.token, page.id, psid, 'Your parcel is out for delivery', {
      messagingType: 'MESSAGE_TAG',
      tag: 'POST_PURCHASE_UPDATE',
    });
    expect(expectFailure(tagged, 'tag_not_allowed')).toMatchObject({ code: 100 });
    expectSuccess(
      await graph.sendText(page.token, page.id, psid, 'Sorry for the wait, this is Ana', {
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
      }),
    );
  });

  it('refuses a second opt-in request with the same title within 7 days as optin_duplicate, and accepts it after 7 days', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Flash sales', payload: 'flash' }));
    await advance(6 * DAY);
    await meta.personMessage({ pageId: page.id, psid });
    const again = await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Flash sales', payload: 'flash' });
    expect(expectFailure(again, 'optin_duplicate')).toMatchObject({ code: 613, subcode: 1893016 });

    await advance(DAY);
    await meta.personMessage({ pageId: page.id, psid });
    expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Flash sales', payload: 'flash' }));
  });

  it('refuses the 6th Instagram opt-in request to one person within 24 hours as optin_limit, and accepts it a day later', async () => {
    const page = await aPage({ platform: 'instagram' });
    const psid = await aPersonWhoWrote(page);
    for (const title of ['Shoes', 'Bags', 'Dresses', 'Jewellery', 'Sale']) {
      expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title, payload: title }));
    }
    const sixth = await graph.sendOptinRequest(page.token, page.id, psid, { title: 'New arrivals', payload: 'new' });
    expect(expectFailure(sixth, 'optin_limit')).toMatchObject({ code: 9, subcode: 2018352 });

    await advance(DAY);
    await meta.personMessage({ pageId: page.id, psid });
    expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title: 'New arrivals', payload: 'new' }));
  });

  it('refuses an 11th distinct Instagram opt-in title within 7 days as optin_limit, even on a fresh day', async () => {
    const page = await aPage({ platform: 'instagram' });
    const psid = await aPersonWhoWrote(page);
    for (let i = 1; i <= 10; i++) {
      if (i === 6) {
        await advance(DAY);
        await meta.personMessage({ pageId: page.id, psid });
      }
      expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title: `Collection ${i}`, payload: `c${i}` }));
    }
    await advance(DAY);
    await meta.personMessage({ pageId: page.id, psid });
    const eleventh = await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Collection 11', payload: 'c11' });
    expect(expectFailure(eleventh, 'optin_limit')).toMatchObject({ code: 9, subcode: 2018352 });
  });

  it('refuses opt-in requests from a restricted Page as page_restricted, while its ordinary replies still go out', async () => {
    const page = await aPage({ restricted: true });
    const psid = await aPersonWhoWrote(page);
    const request = await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Flash sales', payload: 'flash' });
    expect(expectFailure(request, 'page_restricted')).toMatchObject({ code: 10, subcode: 1404170 });
    expectSuccess(await graph.sendText(page.token, page.id, psid, 'Yes, size M is in stock'));
  });

  it('reports a customer who blocked the Page as person_unavailable', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    await meta.personBlock({ pageId: page.id, psid });
    const reply = await graph.sendText(page.token, page.id, psid, 'Thanks for your order');
    expect(expectFailure(reply, 'person_unavailable')).toMatchObject({ code: 551, subcode: 1545041 });
  });

  it('reports a PSID the Page has never met as invalid_request', async () => {
    const page = await aPage();
    const reply = await graph.sendText(page.token, page.id, nextId(), 'Hello?');
    expect(expectFailure(reply, 'invalid_request')).toMatchObject({ code: 100, subcode: 2018001 });
  });
});

describe('authentication', () => {
  it('reports an access token Meta does not know as auth_invalid', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    const unknownToken = aToken('revoked');
    remember(unknownToken);
    const reply = await graph.sendText(unknownToken, page.id, psid, 'Hello');
    expect(expectFailure(reply, 'auth_invalid')).toMatchObject({ code: 190 });
  });

  it('reports a call signed with the wrong app secret (bad appsecret_proof) as auth_invalid', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    const otherSecret = 'another-apps-secret';
    secrets.add(otherSecret);
    secrets.add(appSecretProof(page.token, otherSecret));
    const misconfigured = aClient({ appSecret: otherSecret });
    const reply = await misconfigured.sendText(page.token, page.id, psid, 'Hello');
    expect(expectFailure(reply, 'auth_invalid').message).toMatch(/appsecret_proof/);
  });
});

// ---- the Marketing Message API (system-user token) -----------------------------------------------

describe('Marketing Message API sends', () => {
  it('delivers a marketing message to a subscriber and returns its tracking id', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { psid, token } = await aSubscriber(page);
    const { trackingId } = expectSuccess(await send(account, campaignId, token));
    const received = await meta.received(page.id, psid);
    expect(received.filter((r) => r.source === 'marketing_message')).toEqual([expect.objectContaining({ campaignId, trackingId })]);
  });

  it('refuses a campaign id Meta does not know as message_invalid', async () => {
    const { page, account } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    expect(expectFailure(await send(account, nextId(), token), 'message_invalid')).toMatchObject({ subcode: 2300001 });
  });

  it('refuses sends of a paused campaign as campaign_not_active, and delivers once it is active again', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    expectSuccess(await graph.updateMessageCampaign(account.token, campaignId, { status: 'PAUSED' }));
    expect(expectFailure(await send(account, campaignId, token), 'campaign_not_active')).toMatchObject({ subcode: 2300000 });

    expectSuccess(await graph.updateMessageCampaign(account.token, campaignId, { status: 'ACTIVE' }));
    expectSuccess(await send(account, campaignId, token));
  });

  it('refuses a send within the first hour of a new campaign as message_not_active, and delivers it an hour later', async () => {
    const page = await aPage();
    const account = await anAdAccount([page]);
    const { token } = await aSubscriber(page);
    const campaignId = await aCampaign(account, page);
    await advance(59 * MINUTE);
    expect(expectFailure(await send(account, campaignId, token), 'message_not_active')).toMatchObject({ subcode: 2300003 });

    await advance(HOUR);
    expectSuccess(await send(account, campaignId, token));
  });

  it('refuses an unknown subscription token, and one replaced by a newer opt-in to the same topic, as token_invalid', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const unknown = aToken('subscription');
    remember(unknown);
    expect(expectFailure(await send(account, campaignId, unknown), 'token_invalid')).toMatchObject({ subcode: 2300004 });

    const { psid, token: oldToken } = await aSubscriber(page, { title: 'Flash sales' });
    await advance(7 * DAY);
    await meta.personMessage({ pageId: page.id, psid });
    expectSuccess(await graph.sendOptinRequest(page.token, page.id, psid, { title: 'Flash sales', payload: 'flash' }));
    const { token: newToken } = await meta.personOptin({ pageId: page.id, psid });
    remember(newToken);
    expect(expectFailure(await send(account, campaignId, oldToken), 'token_invalid')).toMatchObject({ subcode: 2300004 });
    expectSuccess(await send(account, campaignId, newToken));
  });

  it("refuses a token of another Page than the campaign's as token_other_page", async () => {
    const { account, campaignId } = await aMarketingSetup();
    const otherPage = await aPage();
    const { token } = await aSubscriber(otherPage);
    expect(expectFailure(await send(account, campaignId, token), 'token_other_page')).toMatchObject({ subcode: 2300005 });
  });

  it('refuses a subscriber who stopped marketing messages as subscriber_stopped, and delivers after they resume', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { psid, token } = await aSubscriber(page);
    await meta.personStop({ pageId: page.id, psid });
    expect(expectFailure(await send(account, campaignId, token), 'subscriber_stopped')).toMatchObject({ subcode: 2300034 });

    await meta.personResume({ pageId: page.id, psid });
    expectSuccess(await send(account, campaignId, token));
  });

  it('refuses a token past its token_expiry_timestamp as token_expired', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page, { tokenExpiresInMs: 2 * HOUR });
    expectSuccess(await send(account, campaignId, token));
    await advance(13 * HOUR);
    expect(expectFailure(await send(account, campaignId, token), 'token_expired')).toMatchObject({ subcode: 2300037 });
  });

  it('refuses a subscriber who blocked the Page as person_unavailable', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { psid, token } = await aSubscriber(page);
    await meta.personBlock({ pageId: page.id, psid });
    expect(expectFailure(await send(account, campaignId, token), 'person_unavailable')).toMatchObject({ subcode: 2300036 });
  });

  it("refuses a subscriber who chatted within the send's min_conversation_gap_seconds as person_unavailable, and delivers once the gap has passed", async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const sendWithGap = () =>
      graph.sendMarketingMessage(account.token, account.id, {
        messageCampaignId: campaignId,
        subscriptionToken: token,
        message: buildTextMessage('Hi {{first_name}}, 20% off today only'),
        minConversationGapSeconds: 2 * 3600,
      });
    await advance(90 * MINUTE);
    expect(expectFailure(await sendWithGap(), 'person_unavailable')).toMatchObject({ subcode: 2300052 });

    await advance(30 * MINUTE);
    expectSuccess(await sendWithGap());
  });

  it('refuses a second message to the same token within 12 hours as too_early with nextEligibleAt, and delivers at that time', async () => {
    const page = await aPage();
    const account = await anAdAccount([page]);
    const { token } = await aSubscriber(page);
    const monday = await aWarmCampaign(account, page);
    const tuesday = await aCampaign(account, page);
    await advance(HOUR);
    const sentAt = sandboxNow;
    expectSuccess(await send(account, monday, token));

    await advance(3 * HOUR);
    const early = expectFailure(await send(account, tuesday, token), 'too_early');
    expect(early).toMatchObject({ subcode: 2300035, nextEligibleAt: new Date(sentAt + 12 * HOUR) });

    await advance(early.nextEligibleAt!.getTime() - sandboxNow);
    expectSuccess(await send(account, tuesday, token));
  });

  it('refuses a frequency-capped person as frequency_capped while other subscribers still receive the campaign', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const capped = await aSubscriber(page);
    const other = await aSubscriber(page);
    await meta.setFaults({ frequencyCapPsids: [capped.psid] });
    expect(expectFailure(await send(account, campaignId, capped.token), 'frequency_capped')).toMatchObject({ subcode: 2300042 });
    expectSuccess(await send(account, campaignId, other.token));
  });

  it('refuses a message with an unknown {{placeholder}} as placeholder_unresolved, while {{first_name}} resolves', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const unresolved = await send(account, campaignId, token, 'Your code: {{coupon_code}}');
    expect(expectFailure(unresolved, 'placeholder_unresolved')).toMatchObject({ subcode: 2300038 });
    expectSuccess(await send(account, campaignId, token, 'Hi {{first_name}}, your code is SALE20'));
  });

  it('refuses the send that would pass the lifetime budget as budget_reached (lifetime)', async () => {
    const { page, account, campaignId } = await aMarketingSetup({ lifetimeBudget: 2 * PRICE });
    const [a, b, c] = [await aSubscriber(page), await aSubscriber(page), await aSubscriber(page)];
    expectSuccess(await send(account, campaignId, a.token));
    expectSuccess(await send(account, campaignId, b.token));
    expect(expectFailure(await send(account, campaignId, c.token), 'budget_reached')).toMatchObject({
      scope: 'lifetime',
      subcode: 2300015,
    });
  });

  it('refuses the send that would pass the daily budget as budget_reached (daily), and delivers it the next UTC day', async () => {
    const { page, account, campaignId } = await aMarketingSetup({ dailyBudget: PRICE });
    const [a, b] = [await aSubscriber(page), await aSubscriber(page)];
    expectSuccess(await send(account, campaignId, a.token));
    expect(expectFailure(await send(account, campaignId, b.token), 'budget_reached')).toMatchObject({ scope: 'daily', subcode: 2300054 });

    const nextUtcDay = Math.ceil(sandboxNow / DAY) * DAY;
    await advance(nextUtcDay - sandboxNow);
    expectSuccess(await send(account, campaignId, b.token));
  });

  it("returns pacing with Meta's remaining_seconds as retryAt instead of waiting half an hour", async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    await meta.setFaults({ pacingNext: 1 });
    const paced = expectFailure(await send(account, campaignId, token), 'pacing');
    expect(paced).toMatchObject({ subcode: 2300055, retryAfterMs: 30 * MINUTE, retryAt: new Date(sandboxNow + 30 * MINUTE) });
    expect(sleeps).toEqual([]);
    expectSuccess(await send(account, campaignId, token));
  });
});

describe('rate limits and retries', () => {
  it('returns a marketing-send rate limit longer than maxRateLimitWaitMs as rate_limited with retryAt, without sending', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const impatient = aClient({ maxRateLimitWaitMs: 30_000 });
    await meta.setFaults({ rateLimitNext: 1 });
    const limited = expectFailure(
      await impatient.sendMarketingMessage(account.token, account.id, {
        messageCampaignId: campaignId,
        subscriptionToken: token,
        message: buildTextMessage('Sale!'),
      }),
      'rate_limited',
    );
    expect(limited).toMatchObject({ httpStatus: 429, subcode: 2300078, retryAfterMs: 60_000, retryAt: new Date(sandboxNow + 60_000) });
    expect(sleeps).toEqual([]);
    expect((await meta.marketingSends({ campaignId })).total).toBe(0);
  });

  it('returns the hour-long token-listing quota (2300080) as rate_limited with retryAt an hour ahead', async () => {
    const page = await aPage();
    await meta.setFaults({ rateLimitNext: 1 });
    const limited = expectFailure(await graph.listSubscriptionTokens(page.token, page.id), 'rate_limited');
    expect(limited).toMatchObject({ subcode: 2300080, retryAt: new Date(sandboxNow + HOUR) });
    expect(sleeps).toEqual([]);
  });

  it('waits out a rate limit within maxRateLimitWaitMs and then delivers the message exactly once', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    await meta.setFaults({ rateLimitNext: 1 });
    expectSuccess(await send(account, campaignId, token));
    expect(sleeps).toEqual([60_000]);
    expect((await meta.marketingSends({ campaignId })).total).toBe(1);
  });

  it('retries a send the sandbox answered with HTTP 500 twice, and delivers it exactly once', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const flaky = aClient({
      sleep: async (ms) => {
        sleeps.push(ms);
        // The outage ends after the second failed attempt.
        if (sleeps.length === 2) await meta.setFaults({ errorRate: 0 });
      },
    });
    await meta.setFaults({ errorRate: 1 });
    const requestsBefore = (await meta.stats()).requests;
    expectSuccess(
      await flaky.sendMarketingMessage(account.token, account.id, {
        messageCampaignId: campaignId,
        subscriptionToken: token,
        message: buildTextMessage('Sale!'),
      }),
    );
    expect(sleeps).toHaveLength(2);
    expect((await meta.stats()).requests - requestsBefore).toBe(3);
    expect((await meta.marketingSends({ campaignId })).total).toBe(1);
  });

  it('does not repeat a send whose answer timed out (delivery unknown), because Meta may have delivered it', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const hasty = aClient({ timeoutMs: 100 });
    await meta.setFaults({ latencyMs: 300 });
    const timedOut = expectFailure(
      await hasty.sendMarketingMessage(account.token, account.id, {
        messageCampaignId: campaignId,
        subscriptionToken: token,
        message: buildTextMessage('Sale!'),
      }),
      'transient',
    );
    expect(timedOut).toMatchObject({ reason: 'timeout', delivery: 'unknown' });
    expect(sleeps).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    // The sandbox, like Meta, finished the send after the client stopped waiting: a retry would have sent twice.
    expect((await meta.marketingSends({ campaignId })).total).toBe(1);
  });

  it('gives up after maxAttempts on a sandbox that keeps answering 500, reporting transient with delivery not_sent', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    await meta.setFaults({ errorRate: 1 });
    const failed = expectFailure(await send(account, campaignId, token), 'transient');
    expect(failed).toMatchObject({ httpStatus: 500, code: 2, delivery: 'not_sent' });
    expect(sleeps).toHaveLength(3);
    expect((await meta.marketingSends({ campaignId })).total).toBe(0);
  });
});

describe("temporary failures Meta flags is_transient (a 4xx that says 'try again')", () => {
  it('retries (#1200) Temporary send message failure answered with HTTP 400 on a marketing send, which then reaches the subscriber once', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    await meta.setFaults({ transientNext: 1 });
    expectSuccess(await send(account, campaignId, token));
    expect(sleeps).toHaveLength(1);
    expect((await meta.marketingSends({ campaignId })).total).toBe(1);
  });

  it('retries the same failure on a Send API message inside the window', async () => {
    const page = await aPage();
    const psid = await aPersonWhoWrote(page);
    await meta.setFaults({ transientNext: 2 });
    expectSuccess(await graph.sendText(page.token, page.id, psid, 'Your order has shipped'));
    expect(sleeps).toHaveLength(2);
  });

  it('returns transient with delivery not_sent, code 1200/2018024, once every attempt got it', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    await meta.setFaults({ transientNext: 10 });
    const failed = expectFailure(await send(account, campaignId, token), 'transient');
    expect(failed).toMatchObject({ httpStatus: 400, code: 1200, subcode: 2018024, delivery: 'not_sent', reason: 'graph_transient' });
    expect(sleeps).toHaveLength(3);
    expect((await meta.marketingSends({ campaignId })).total).toBe(0);
  });
});

describe('campaign estimates', () => {
  it("gives Meta's delivery and cost ranges for the Page's subscribers, asked with the documented parameters, capped by the budget", async () => {
    const page = await aPage();
    const account = await anAdAccount([page]);
    await meta.bulkTokens({ pageId: page.id, count: 40, title: 'Flash sales' });
    const estimate = expectSuccess(
      await graph.getDeliveryEstimate(account.token, account.id, { pageId: page.id, lifetimeBudget: 20 * PRICE, lifetimeInDays: 3 }),
    );
    expect(estimate).toEqual({
      deliveryLowerBound: 17,
      deliveryUpperBound: 20,
      costLowerBound: 17 * PRICE,
      costUpperBound: 20 * PRICE,
      status: 'READY',
    });
  });

  it('estimates every subscriber of the Page when no budget limits it', async () => {
    const page = await aPage();
    const account = await anAdAccount([page]);
    await meta.bulkTokens({ pageId: page.id, count: 40, title: 'Flash sales' });
    expect(expectSuccess(await graph.getDeliveryEstimate(account.token, account.id, { pageId: page.id }))).toMatchObject({
      deliveryUpperBound: 40,
      costUpperBound: 40 * PRICE,
    });
  });
});

describe('unsubscribing at Meta', () => {
  it('unsubscribes a person by PSID with the documented data rows: their token then answers 2300034 (subscriber stopped)', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { psid, token } = await aSubscriber(page);
    expect(expectSuccess(await graph.unsubscribe(page.token, page.id, [{ psid }]))).toEqual({ success: true, invalidRowsCount: 0 });
    expectFailure(await send(account, campaignId, token), 'subscriber_stopped');
  });

  it('unsubscribes one subscription token, and counts a PSID Meta does not know as an invalid row', async () => {
    const page = await aPage();
    const { token } = await aSubscriber(page);
    const result = expectSuccess(await graph.unsubscribe(page.token, page.id, [{ subscriptionToken: token }, { psid: nextId() }]));
    expect(result).toEqual({ success: true, invalidRowsCount: 1 });
    expect((await meta.tokens({ pageId: page.id })).data.map((row) => row.status)).toEqual(['UNSUBSCRIBED']);
  });
});

describe('subscription tokens', () => {
  it("walks all 2,500 of a Page's tokens across cursor pages, each once, with the PSID and creation time Meta gave", async () => {
    const page = await aPage();
    await meta.bulkTokens({ pageId: page.id, count: 2500, title: 'Flash sales', prefix: 'imp_' });
    const expected = (await meta.tokens({ pageId: page.id, limit: 3000 })).data;
    expect(expected).toHaveLength(2500);
    for (const row of expected) remember(row.token);

    const pageSizes: number[] = [];
    const listed: SubscriptionTokenInfo[] = [];
    for await (const result of graph.iterateSubscriptionTokens(page.token, page.id, { pageSize: 1000 })) {
      const value = expectSuccess(result);
      pageSizes.push(value.items.length);
      listed.push(...value.items);
    }
    expect(pageSizes).toEqual([1000, 1000, 500]);
    expect(new Set(listed.map((t) => t.token)).size).toBe(2500);
    expect(listed.map((t) => [t.token, t.psid])).toEqual(expected.map((row) => [row.token, row.psid]));
    expect(listed[0]).toMatchObject({ topicTitle: 'Flash sales', createdAt: new Date(START) });
  });

  it('marks a token messaged in the last 12 hours with its nextEligibleAt in the listing', async () => {
    const { page, account, campaignId } = await aMarketingSetup();
    const { token } = await aSubscriber(page);
    const sentAt = sandboxNow;
    expectSuccess(await send(account, campaignId, token));
    const listing = expectSuccess(await graph.listSubscriptionTokens(page.token, page.id));
    expect(listing.items.find((t) => t.token === token)?.nextEligibleAt).toEqual(new Date(Math.ceil((sentAt + 12 * HOUR) / 1000) * 1000));
  });
});
