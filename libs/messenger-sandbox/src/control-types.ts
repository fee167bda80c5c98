/** Bodies and answers of the `/_sandbox` control endpoints, shared by the server and SandboxControl. */
import type { Platform, ReceivedItem, TokenStatus } from './model';

export type { Platform, ReceivedItem, TokenStatus };

export interface PageRegistration {
  id: string;
  name?: string;
  platform: Platform;
  accessToken: string;
  /** Restricted Pages get 10/1404170 on opt-in requests. */
  restricted?: boolean;
}

export interface AdAccountRegistration {
  id: string;
  systemUserToken: string;
  pageIds: string[];
  /**
   * Price of one delivered marketing message in Meta's integer units for the account's currency, the unit of
   * its budgets and costs (the Marketing API's offset: centavos for PHP, đồng for VND, whole rupiah for IDR).
   */
  pricePerMessage: number;
  currency?: string;
}

export interface PersonMessageInput {
  pageId: string;
  psid: string;
  text?: string;
  timezone?: string;
  /** Another app owns the thread (handover protocol): the message is posted in `entry[].standby`. It opens the window all the same. */
  standby?: boolean;
  /** Post the webhook this many times (same body) to exercise dedupe. Default 1. */
  deliveries?: number;
}

export interface PersonMessageResult {
  mid: string;
  timestamp: number;
}

/** The person taps a quick reply or a postback button of a message the Page sent them, by its title. */
export interface PersonTapInput {
  pageId: string;
  psid: string;
  title: string;
  /** The message whose reply or button is tapped; default the latest the person received that has one with this title. */
  messageId?: string;
  deliveries?: number;
}

export interface PersonTapResult {
  mid: string;
  payload: string;
  timestamp: number;
}

/** The person follows an m.me link (`m.me/<page>?ref=<ref>`) or a click-to-Messenger ad. */
export interface PersonReferralInput {
  pageId: string;
  psid: string;
  ref: string;
  /** `SHORTLINK` (default, an m.me link) or `ADS`. */
  source?: 'SHORTLINK' | 'ADS';
  adId?: string;
}

export interface PersonReferralResult {
  /** `postback`: a new thread, so Get Started with the referral (opens the window); `referral`: an existing thread. */
  posted: 'postback' | 'referral';
  timestamp: number;
}

export interface PersonOptinInput {
  pageId: string;
  psid: string;
  /** The opt-in request to tap; default the latest the person received. */
  messageId?: string;
  /** Gives the token a token_expiry_timestamp this far after the tap; default none (tokens no longer expire). */
  tokenExpiresInMs?: number;
  /** How the webhook writes `timestamp` and `token_expiry_timestamp`: `ms` (default), `seconds`, `quoted-seconds`. */
  times?: 'ms' | 'seconds' | 'quoted-seconds';
  deliveries?: number;
}

export interface PersonOptinResult {
  token: string;
  title: string;
  payload: string;
}

export interface PersonStatusInput {
  pageId: string;
  psid: string;
  /** Only the token for this topic title; default all the person's tokens on the Page. */
  title?: string;
  /** How the webhook writes its times: `ms` (default), `seconds`, `quoted-seconds`. */
  times?: 'ms' | 'seconds' | 'quoted-seconds';
  /** `underscore` (default, `STOP_NOTIFICATIONS`) or `space` (`STOP NOTIFICATIONS`, as Meta's reference renders it). */
  statusSpelling?: 'underscore' | 'space';
  deliveries?: number;
}

export interface PersonStatusResult {
  /** The tokens whose status flipped (one webhook each). */
  tokens: string[];
}

export interface PersonRef {
  pageId: string;
  psid: string;
}

export interface BulkTokensInput {
  pageId: string;
  count: number;
  title: string;
  timezone?: string;
  /** PSID prefix; PSIDs are `${prefix}${i}`. Default `bulk<call number>_`. */
  prefix?: string;
  payload?: string;
}

export interface SandboxTokenRow {
  token: string;
  psid: string;
  title: string;
  status: TokenStatus;
}

export interface Paged<T> {
  data: T[];
  total: number;
}

export interface MarketingSendRow {
  campaignId: string;
  adAccountId: string;
  pageId: string;
  token: string;
  psid: string;
  trackingId: string;
  time: number;
}

export interface SandboxStats {
  sends: number;
  marketingSends: number;
  /** Accepted marketing sends whose token had already been sent by the same campaign. */
  duplicateMarketingSends: number;
  /** Marketing send calls (accepted or refused) for a token the same campaign had already sent. */
  duplicateMarketingAttempts: number;
  webhooksPosted: number;
  /** Deliveries given up after the retries: undelivered. */
  webhooksFailed: number;
  webhooksPending: number;
  /** Webhooks not posted because no webhook target is set. */
  webhooksSkipped: number;
  /** Graph API calls received (control calls not counted). */
  requests: number;
}

export interface FaultsInput {
  /** 0..1: share of Graph calls answered HTTP 500, code 2 (transient). */
  errorRate?: number;
  /** Delay before answering every Graph call. */
  latencyMs?: number;
  /** The next n Graph calls answer their endpoint's rate-limit error. */
  rateLimitNext?: number;
  /**
   * The next n Graph calls answer `(#1200) Temporary send message failure` (code 1200, subcode 2018024,
   * `is_transient: true`) with HTTP 400, as Meta does; nothing is sent.
   */
  transientNext?: number;
  /** The next n marketing sends that pass the campaign and budget checks answer 2300055. */
  pacingNext?: number;
  /** Marketing sends to these PSIDs answer 2300042 (replaces the list). */
  frequencyCapPsids?: string[];
  /**
   * The next n campaign writes (create, update, delete) are done, and their answer is held back for
   * `stallMs`: a call that times out after Meta stored what it asked for.
   */
  stallCampaignWritesNext?: number;
  /** How long a stalled campaign write waits before answering; default 30 000. */
  stallMs?: number;
}

export type FaultsState = Required<FaultsInput>;

export interface SettingsInput {
  /** Post marketing_message_echoes and marketing_message_deliveries after each accepted marketing send. */
  marketingWebhooks?: boolean;
  /** With marketingWebhooks: also post marketing_message_reads, as if each recipient opened the message at once. */
  marketingReads?: boolean;
  /** Meta's wait between creating a message campaign and its first accepted send, ms (default one hour; a demo may shorten it). */
  campaignWarmUpMs?: number;
}

export interface SettingsState {
  marketingWebhooks: boolean;
  marketingReads: boolean;
  campaignWarmUpMs: number;
}

export interface ClockState {
  now: number;
}

/** `POST /webhooks/release`: the held webhooks' indexes in posting order; default all, as held. */
export interface ReleaseWebhooksInput {
  order?: number[];
}

/** `POST /marketing-sends/webhook`: Meta's later webhook about an accepted marketing send, stamped now. */
export interface MarketingSendWebhookInput {
  trackingId: string;
  field:
    | 'marketing_message_echoes'
    | 'marketing_message_deliveries'
    | 'marketing_message_reads'
    | 'marketing_message_clicks'
    | 'marketing_message_delivery_failed';
  /** For `marketing_message_delivery_failed`. */
  errorMessage?: string;
}
