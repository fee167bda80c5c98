import type { Page, SubscriptionToken } from './model';

/** Meta's webhook envelope: one entry per Page, messaging events or field changes inside. */
export interface WebhookBody {
  object: 'page' | 'instagram';
  entry: Array<{
    id: string;
    time: number;
    messaging?: MessagingEvent[];
    /** Events of threads another app owns (handover protocol); same shape as `messaging`. */
    standby?: MessagingEvent[];
    changes?: Array<{ field: MarketingWebhookField; value: MarketingWebhookValue }>;
  }>;
}

export interface MessagingEvent {
  sender: { id: string };
  recipient: { id: string };
  /** ms, unless a WebhookValueForm says otherwise (opt-in webhooks only). */
  timestamp: number | string;
  /** A tap on a quick reply arrives as a message whose `quick_reply.payload` is the reply's payload. */
  message?: { mid: string; text: string; quick_reply?: { payload: string } };
  optin?: OptinPayload;
  /** `messaging_postbacks`: a postback button tapped; Get Started in a thread opened from a link carries `referral`. */
  postback?: { mid: string; title: string; payload: string; referral?: ReferralPayload };
  /** `messaging_referrals`: a person with a thread followed an m.me link (or ad) with a `ref`. */
  referral?: ReferralPayload;
}

/**
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
 * `source` is SHORTLINK for m.me links, ADS for click-to-Messenger ads (which add `ad_id`).
 */
export interface ReferralPayload {
  ref: string;
  source: 'SHORTLINK' | 'ADS';
  type: 'OPEN_THREAD';
  ad_id?: string;
}

export interface OptinPayload {
  type: 'notification_messages';
  payload: string;
  notification_messages_token: string;
  notification_messages_timezone: string;
  token_expiry_timestamp?: number | string;
  user_token_status: 'REFRESHED' | 'NOT_REFRESHED';
  notification_messages_status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS' | 'STOP NOTIFICATIONS' | 'RESUME NOTIFICATIONS';
  title: string;
}

export type MarketingWebhookField =
  | 'marketing_message_echoes'
  | 'marketing_message_deliveries'
  | 'marketing_message_reads'
  | 'marketing_message_clicks'
  | 'marketing_message_delivery_failed';

/** Platform doc §5: clicks and failures carry no tracking id; failures carry `error_message`. */
export interface MarketingWebhookValue {
  page_id: string;
  timestamp: number;
  messenger_subscription_token: string;
  message_id: string;
  marketing_message_tracking_id?: string;
  recipient_id: string | null;
  error_message?: string;
}

/**
 * One event in an envelope: in `messaging`, or in `standby` when another app owns the thread
 * (https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/standby).
 */
export function messagingWebhook(
  page: Page,
  time: number,
  event: MessagingEvent,
  channel: 'messaging' | 'standby' = 'messaging',
): WebhookBody {
  return { object: webhookObject(page), entry: [{ id: page.id, time, [channel]: [event] }] };
}

export function personMessageEvent(page: Page, psid: string, mid: string, text: string, time: number): MessagingEvent {
  return { sender: { id: psid }, recipient: { id: page.id }, timestamp: time, message: { mid, text } };
}

/**
 * The forms Meta documents for the opt-in webhook's values, beside the default (ms numbers, `_` spelling).
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
 */
export interface WebhookValueForm {
  /** `timestamp` and `token_expiry_timestamp`: `ms` (default, as integrators observe), `seconds`, or `quoted-seconds` (strings, as the reference example shows them). */
  times?: 'ms' | 'seconds' | 'quoted-seconds';
  /** `STOP_NOTIFICATIONS` (default) or `STOP NOTIFICATIONS`, as the reference renders the values. */
  statusSpelling?: 'underscore' | 'space';
}

export const TIME_FORMS = ['ms', 'seconds', 'quoted-seconds'] as const;
export const STATUS_SPELLINGS = ['underscore', 'space'] as const;

function timeValue(ms: number, form: WebhookValueForm): number | string {
  if (form.times === 'seconds') return Math.floor(ms / 1000);
  if (form.times === 'quoted-seconds') return String(Math.floor(ms / 1000));
  return ms;
}

/** The `messaging_optins` event of the docs/meta-platform.md §3; `status` only for stop/resume. */
export function optinEvent(
  page: Page,
  token: SubscriptionToken,
  time: number,
  status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS',
  form: WebhookValueForm = {},
): MessagingEvent {
  const optin: OptinPayload = {
    type: 'notification_messages',
    payload: token.payload,
    notification_messages_token: token.token,
    notification_messages_timezone: token.timezone,
    user_token_status: token.userTokenStatus,
    title: token.title,
  };
  if (token.expiresAt !== undefined) optin.token_expiry_timestamp = timeValue(token.expiresAt, form);
  if (status !== undefined) {
    optin.notification_messages_status =
      form.statusSpelling === 'space' ? (status === 'STOP_NOTIFICATIONS' ? 'STOP NOTIFICATIONS' : 'RESUME NOTIFICATIONS') : status;
  }
  return { sender: { id: token.psid }, recipient: { id: page.id }, timestamp: timeValue(time, form), optin };
}

export function marketingWebhook(page: Page, time: number, field: MarketingWebhookField, value: MarketingWebhookValue): WebhookBody {
  return { object: webhookObject(page), entry: [{ id: page.id, time, changes: [{ field, value }] }] };
}

function webhookObject(page: Page): 'page' | 'instagram' {
  return page.platform === 'instagram' ? 'instagram' : 'page';
}
