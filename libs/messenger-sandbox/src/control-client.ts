import axios, { isAxiosError, type AxiosInstance } from 'axios';
import type {
  AdAccountRegistration,
  BulkTokensInput,
  ClockState,
  FaultsInput,
  FaultsState,
  MarketingSendRow,
  PageRegistration,
  Paged,
  PersonMessageInput,
  PersonMessageResult,
  PersonOptinInput,
  PersonOptinResult,
  PersonReferralInput,
  PersonReferralResult,
  PersonRef,
  PersonTapInput,
  PersonTapResult,
  PersonStatusInput,
  PersonStatusResult,
  MarketingSendWebhookInput,
  ReceivedItem,
  SandboxStats,
  SandboxTokenRow,
  SettingsInput,
  SettingsState,
} from './control-types';
import type { WebhookCounts } from './webhook-poster';

/** A refused control call, with the sandbox's reason (e.g. 409 when a person has no opt-in request to tap). */
export class SandboxControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxControlError';
  }
}

/** Typed client for the `/_sandbox` control endpoints: one method per endpoint. */
export class SandboxControl {
  private readonly http: AxiosInstance;

  constructor(baseUrl: string) {
    this.http = axios.create({ baseURL: `${baseUrl.replace(/\/$/, '')}/_sandbox` });
  }

  /** POST /pages: register or update a Page and its access token. */
  registerPage(page: PageRegistration): Promise<{ id: string; name: string; platform: string; restricted: boolean }> {
    return this.post('/pages', page);
  }

  /** POST /ad-accounts: register or update an ad account (id with or without `act_`). */
  registerAdAccount(account: AdAccountRegistration): Promise<{ id: string; pageIds: string[]; pricePerMessage: number; currency: string }> {
    return this.post('/ad-accounts', account);
  }

  /** POST /webhook-target */
  setWebhookTarget(url: string): Promise<{ url: string }> {
    return this.post('/webhook-target', { url });
  }

  /** POST /people/message: the person writes to the Page (opens the 24 h window, posts a `message` webhook). */
  personMessage(input: PersonMessageInput): Promise<PersonMessageResult> {
    return this.post('/people/message', input);
  }

  /** POST /people/optin: the person taps the latest (or given) opt-in request. */
  personOptin(input: PersonOptinInput): Promise<PersonOptinResult> {
    return this.post('/people/optin', input);
  }

  /** POST /people/quick-reply: the person taps a quick reply (by title) of a message they received: a `message` webhook with `quick_reply.payload`. */
  personTapsQuickReply(input: PersonTapInput): Promise<PersonTapResult> {
    return this.post('/people/quick-reply', input);
  }

  /** POST /people/postback: the person taps a postback button (by title): a `messaging_postbacks` webhook. */
  personTapsPostback(input: PersonTapInput): Promise<PersonTapResult> {
    return this.post('/people/postback', input);
  }

  /** POST /people/referral: the person follows an m.me link with `?ref=` (or an ad): Get Started with the referral in a new thread, `messaging_referrals` in an existing one. */
  personFollowsReferral(input: PersonReferralInput): Promise<PersonReferralResult> {
    return this.post('/people/referral', input);
  }

  /** POST /people/wrote-elsewhere: these people wrote just now, their webhooks posted by the caller (a burst test); nothing is posted. */
  peopleWroteElsewhere(input: { pageId: string; psids: string[] }): Promise<{ people: number }> {
    return this.post('/people/wrote-elsewhere', input);
  }

  /** POST /people/stop: STOP_NOTIFICATIONS for all the person's tokens, or one title's. */
  personStop(input: PersonStatusInput): Promise<PersonStatusResult> {
    return this.post('/people/stop', input);
  }

  /** POST /people/resume: RESUME_NOTIFICATIONS. */
  personResume(input: PersonStatusInput): Promise<PersonStatusResult> {
    return this.post('/people/resume', input);
  }

  /** POST /people/block */
  personBlock(input: PersonRef): Promise<{ blocked: true }> {
    return this.post('/people/block', input);
  }

  /** GET /people/received: what the person received, oldest first. */
  async received(pageId: string, psid: string): Promise<ReceivedItem[]> {
    const answer = await this.get<{ data: ReceivedItem[] }>('/people/received', { pageId, psid });
    return answer.data;
  }

  /** POST /tokens/bulk: `count` subscribed people at once, no webhooks. */
  bulkTokens(input: BulkTokensInput): Promise<{ created: number }> {
    return this.post('/tokens/bulk', input);
  }

  /** GET /tokens: every token of a Page in creation order, with status. */
  tokens(query: { pageId: string; offset?: number; limit?: number }): Promise<Paged<SandboxTokenRow>> {
    return this.get('/tokens', query);
  }

  /** GET /marketing-sends: the accepted marketing sends, optionally of one campaign. */
  marketingSends(query: { campaignId?: string; offset?: number; limit?: number } = {}): Promise<Paged<MarketingSendRow>> {
    return this.get('/marketing-sends', query);
  }

  /** GET /stats */
  stats(): Promise<SandboxStats> {
    return this.get('/stats');
  }

  /** GET /clock: the sandbox's now, ms epoch. */
  async now(): Promise<number> {
    return (await this.get<ClockState>('/clock')).now;
  }

  /** POST /clock/advance: returns the new now. */
  async advanceClock(ms: number): Promise<number> {
    return (await this.post<ClockState>('/clock/advance', { ms })).now;
  }

  /** POST /clock/set: returns the new now. */
  async setClock(now: number): Promise<number> {
    return (await this.post<ClockState>('/clock/set', { now })).now;
  }

  /** GET /faults */
  faults(): Promise<FaultsState> {
    return this.get('/faults');
  }

  /** POST /faults: changes only the given fields. */
  setFaults(faults: FaultsInput): Promise<FaultsState> {
    return this.post('/faults', faults);
  }

  /** GET /settings */
  settings(): Promise<SettingsState> {
    return this.get('/settings');
  }

  /** POST /settings: e.g. `{ marketingWebhooks: true }`. */
  setSettings(settings: SettingsInput): Promise<SettingsState> {
    return this.post('/settings', settings);
  }

  /** POST /webhooks/flush: waits until no webhook is in flight. */
  flushWebhooks(): Promise<WebhookCounts> {
    return this.post('/webhooks/flush', {});
  }

  /**
   * POST /webhooks/hold: from now on webhooks are kept back (control calls that post them answer at
   * once) until releaseWebhooks(): a delivery Meta failed and retries later.
   */
  holdWebhooks(): Promise<{ held: number }> {
    return this.post('/webhooks/hold', {});
  }

  /** POST /webhooks/release: posts the held webhooks, as held or in `order` (indexes; repeat one to redeliver it). */
  releaseWebhooks(order?: number[]): Promise<{ released: number }> {
    return this.post('/webhooks/release', order === undefined ? {} : { order });
  }

  /**
   * POST /webhooks/redeliver: posts again the webhook posted `ago` posts before the last (0: the last),
   * with `entry[].time` now, as Meta's retry of a delivery it took for failed.
   */
  redeliverWebhook(ago = 0): Promise<{ redelivered: true; entryTime: number }> {
    return this.post('/webhooks/redeliver', { ago });
  }

  /** POST /marketing-sends/webhook: Meta's read / click / delivery_failed (or echo, delivery) webhook of a send, stamped now. */
  marketingSendWebhook(input: MarketingSendWebhookInput): Promise<{ posted: string; timestamp: number }> {
    return this.post('/marketing-sends/webhook', input);
  }

  /** POST /reset: forgets everything, the clock goes back to startTime, the webhook target to the option's. */
  async reset(): Promise<void> {
    await this.post('/reset', {});
  }

  private async post<T>(path: string, body: object): Promise<T> {
    return this.call(() => this.http.post<T>(path, body));
  }

  private async get<T>(path: string, params?: object): Promise<T> {
    return this.call(() => this.http.get<T>(path, { params }));
  }

  private async call<T>(request: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await request()).data;
    } catch (error: unknown) {
      if (isAxiosError<{ error?: { message?: string } }>(error) && error.response !== undefined) {
        throw new SandboxControlError(error.response.status, error.response.data?.error?.message ?? error.message);
      }
      throw error;
    }
  }
}
