import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { GraphError } from './errors';

/** Every client method resolves to this; platform errors are values, never exceptions. */
export type GraphResult<T> = { ok: true; value: T } | { ok: false; error: GraphError };

export interface GraphLogger {
  warn(msg: string, meta?: Record<string, unknown>): void;
  debug?(msg: string, meta?: Record<string, unknown>): void;
}

/**
 * Told of what the client does, for metrics: every HTTP attempt as it ends (`errorKind` when it failed,
 * `durationMs` wall time), and every wait before a retry (with the error that caused it).
 */
export interface GraphObserver {
  attempt(event: { method: string; errorKind?: GraphError['kind']; durationMs: number }): void;
  retryWait(event: { errorKind: GraphError['kind']; delayMs: number }): void;
}

export interface RetryOptions {
  /** Total attempts per call, the first one included (transient retries and rate-limit waits share it). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export interface GraphClientOptions {
  /** Including the version, e.g. https://graph.facebook.com/v23.0, or a sandbox URL. */
  baseUrl: string;
  /** Signs every call with appsecret_proof = hex HMAC-SHA256(access_token, appSecret). */
  appSecret: string;
  /** Per HTTP attempt; default 10_000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Rate-limit and pacing answers whose retry time is within this are waited out and retried; default 60_000. */
  maxRateLimitWaitMs?: number;
  /** Sockets are kept alive by default because the broadcast worker sends 100k+ calls through one client. */
  keepAlive?: boolean;
  /** Per host, for the agents the client creates itself; default 50. */
  maxSockets?: number;
  /** Bring your own agents (then `close()` leaves them alone). */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1), for backoff jitter. */
  random?: () => number;
  /** Epoch milliseconds; turns relative retry hints into `retryAt`. */
  now?: () => number;
  logger?: GraphLogger;
  observer?: GraphObserver;
}

// ---- Send API -------------------------------------------------------------

/**
 * Since 2026-04-27 only HUMAN_AGENT is accepted; the other three answer code 100, which the client
 * reports as `tag_not_allowed`. They stay in the type so old call sites fail with a named outcome.
 */
export type MessageTag = 'HUMAN_AGENT' | 'ACCOUNT_UPDATE' | 'CONFIRMED_EVENT_UPDATE' | 'POST_PURCHASE_UPDATE';

/** RESPONSE and UPDATE only work inside the 24-hour window; MESSAGE_TAG needs its tag. */
export type SendOptions = { messagingType?: 'RESPONSE' | 'UPDATE' } | { messagingType: 'MESSAGE_TAG'; tag: MessageTag };

export interface SendResult {
  recipientId: string;
  messageId: string;
}

export interface QuickReply {
  title: string;
  payload: string;
  imageUrl?: string;
}

export type TemplateButton =
  | { type: 'web_url'; title: string; url: string; webviewHeightRatio?: 'compact' | 'tall' | 'full' }
  | { type: 'postback'; title: string; payload: string };

export interface GenericElement {
  title: string;
  subtitle?: string;
  imageUrl?: string;
  defaultActionUrl?: string;
  buttons?: TemplateButton[];
}

export type OptinCtaText = 'ALLOW' | 'GET' | 'GET_UPDATES' | 'OPT_IN' | 'SIGN_UP';

export interface OptinRequest {
  /** At most 65 characters as `metaTextLength` counts them; Meta's default is "Updates and promotions". */
  title?: string;
  /** Comes back in the messaging_optins webhook. */
  payload: string;
  imageUrl?: string;
  imageAspectRatio?: 'HORIZONTAL' | 'SQUARE';
  ctaText?: OptinCtaText;
  /** IANA zone, e.g. Europe/Berlin. */
  timezone?: string;
}

/** The `message` object as Meta receives it; build it with the `build*Message` functions. */
export type OutgoingMessage = { text: string; quick_replies?: WireQuickReply[] } | { attachment: WireAttachment };

export interface WireQuickReply {
  content_type: 'text';
  title: string;
  payload: string;
  image_url?: string;
}

export type WireButton =
  | { type: 'web_url'; title: string; url: string; webview_height_ratio?: 'compact' | 'tall' | 'full' }
  | { type: 'postback'; title: string; payload: string };

export interface WireGenericElement {
  title: string;
  subtitle?: string;
  image_url?: string;
  default_action?: { type: 'web_url'; url: string };
  buttons?: WireButton[];
}

export type WireAttachment =
  | { type: 'image'; payload: { url: string; is_reusable?: boolean } }
  | { type: 'template'; payload: { template_type: 'button'; text: string; buttons: WireButton[] } }
  | { type: 'template'; payload: { template_type: 'generic'; elements: WireGenericElement[] } }
  | {
      type: 'template';
      payload: {
        template_type: 'notification_messages';
        title?: string;
        payload: string;
        image_url?: string;
        image_aspect_ratio?: 'HORIZONTAL' | 'SQUARE';
        notification_messages_cta_text?: OptinCtaText;
        notification_messages_timezone?: string;
      };
    };

// ---- Marketing Message API -------------------------------------------------

export interface CreateMessageCampaignInput {
  name: string;
  pageId: string;
  /** In the ad account's smallest currency unit; at most one of the two budgets (both optional since 2026-06-30). */
  dailyBudget?: number;
  lifetimeBudget?: number;
  startTime?: Date;
  endTime?: Date;
  pixelId?: string;
}

/** A message campaign as Meta reads it back; budgets in the ad account's smallest currency unit. */
export interface MessageCampaign {
  id: string;
  name: string;
  /** ACTIVE, PAUSED, DELETED, ARCHIVED… as Meta spells it. */
  status: string;
  dailyBudget?: number;
  lifetimeBudget?: number;
}

export interface UpdateMessageCampaignInput {
  name?: string;
  dailyBudget?: number;
  lifetimeBudget?: number;
  endTime?: Date;
  status?: 'ACTIVE' | 'PAUSED';
}

/**
 * Parameters of Meta's message delivery estimate (AdAccountMessageDeliveryEstimate). Meta estimates for
 * the Page's own subscribers; our narrower audience (one topic) is not something Meta can be told.
 */
export interface DeliveryEstimateInput {
  /** Sent as `promoted_object: {"page_id": …}`. */
  pageId: string;
  /** Smallest currency unit of the ad account; at most one of the two budgets. */
  dailyBudget?: number;
  lifetimeBudget?: number;
  /** Whole days the campaign runs. */
  lifetimeInDays?: number;
  /** Smallest currency unit. */
  bidAmount?: number;
  /** One of Meta's optimization goals; left to Meta's default when absent. */
  optimizationGoal?: string;
}

/** Ranges as Meta gives them; a bound Meta leaves out stays undefined. */
export interface DeliveryEstimate {
  deliveryLowerBound?: number;
  deliveryUpperBound?: number;
  costLowerBound?: number;
  costUpperBound?: number;
  status?: string;
}

export interface SendMarketingMessageInput {
  messageCampaignId: string;
  subscriptionToken: string;
  message: OutgoingMessage;
  /**
   * Seconds: Meta does not send (2300052, `person_unavailable`) when the person chatted with the Page more
   * recently than this. A parameter of the send, `POST act_<AD_ACCOUNT_ID>/messages` (changelog 2026-06-11:
   * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/changelog).
   */
  minConversationGapSeconds?: number;
}

export interface CampaignInsights {
  delivered: number;
  readRate: number;
  clicks: number;
  spend: number;
  costPerDelivered: number;
}

export interface InsightsRange {
  datePreset?: string;
  /** YYYY-MM-DD, in the ad account's time zone. */
  timeRange?: { since: string; until: string };
}

// ---- Subscribers -------------------------------------------------------------

export interface SubscriptionTokenInfo {
  token: string;
  /** Absent for tokens that came from a custom-audience upload. */
  psid?: string;
  createdAt?: Date;
  /** Absent means the token does not expire (the rule since 2023-08-10). */
  expiresAt?: Date;
  /** `REFRESHED` or `NOT_REFRESHED`; any other value is left out and listed in `unrecognised`. */
  userTokenStatus?: 'REFRESHED' | 'NOT_REFRESHED';
  topicTitle?: string;
  timezone?: string;
  nextEligibleAt?: Date;
  /** Values Meta sent that could not be read (left out of the fields above), for the caller to report. */
  unrecognised?: UnrecognisedValue[];
}

/** A field of a Meta answer whose value could not be read: its name and the value as text (≤ 100 characters). */
export interface UnrecognisedValue {
  field: string;
  value: string;
}

export interface SubscriptionTokenPage {
  items: SubscriptionTokenInfo[];
  /** Present only while Meta reports a next page. */
  nextCursor?: string;
}

export interface ListSubscriptionTokensOptions {
  /** Meta's default 100, max 1000. */
  limit?: number;
  after?: string;
  /** One token per person. */
  doNotReturnDuplicates?: boolean;
}

export interface IterateSubscriptionTokensOptions {
  pageSize?: number;
  /** Resume from a cursor a previous run stopped at. */
  after?: string;
  doNotReturnDuplicates?: boolean;
}

/** One row of an unsubscribe call: the person's PSID, or one subscription token (sent as `subscriber_token`). */
export type UnsubscribeRecipient = { psid: string } | { subscriptionToken: string };

/** Meta's answer to an unsubscribe: rows it could not match or read are counted, not refused. */
export interface UnsubscribeResult {
  success: boolean;
  /** Rows of `data` Meta did not unsubscribe (unknown PSID or token, malformed row); 0 means all were done. */
  invalidRowsCount: number;
}

export interface SuccessResult {
  success: boolean;
}

/** Who an access token speaks for (`GET /me`): with a Page access token, the Page's id and name. */
export interface TokenIdentity {
  id: string;
  name: string;
}

/** An ad account a system-user token can use: id without `act_`, Meta's `account_status` number, ISO 4217 currency. */
export interface AdAccountAccess {
  id: string;
  accountStatus: number;
  currency: string;
}
