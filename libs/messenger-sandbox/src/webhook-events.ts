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
  timestamp: number;
  message?: { mid: string; text: string };
  optin?: OptinPayload;
}

export interface OptinPayload {
  type: 'notification_messages';
  payload: string;
  notification_messages_token: string;
  notification_messages_timezone: string;
  token_expiry_timestamp?: number;
  user_token_status: 'REFRESHED' | 'NOT_REFRESHED';
  notification_messages_status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS';
  title: string;
}

export type MarketingWebhookField = 'marketing_message_echoes' | 'marketing_message_deliveries';

export interface MarketingWebhookValue {
  page_id: string;
  timestamp: number;
  messenger_subscription_token: string;
  message_id: string;
  marketing_message_tracking_id: string;
  recipient_id: string | null;
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

/** The `messaging_optins` event of the platform doc, section 3; `status` only for stop/resume. */
export function optinEvent(
  page: Page,
  token: SubscriptionToken,
  time: number,
  status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS',
): MessagingEvent {
  const optin: OptinPayload = {
    type: 'notification_messages',
    payload: token.payload,
    notification_messages_token: token.token,
    notification_messages_timezone: token.timezone,
    user_token_status: token.userTokenStatus,
    title: token.title,
  };
  if (token.expiresAt !== undefined) optin.token_expiry_timestamp = token.expiresAt;
  if (status !== undefined) optin.notification_messages_status = status;
  return { sender: { id: token.psid }, recipient: { id: page.id }, timestamp: time, optin };
}

export function marketingWebhook(page: Page, time: number, field: MarketingWebhookField, value: MarketingWebhookValue): WebhookBody {
  return { object: webhookObject(page), entry: [{ id: page.id, time, changes: [{ field, value }] }] };
}

function webhookObject(page: Page): 'page' | 'instagram' {
  return page.platform === 'instagram' ? 'instagram' : 'page';
}
