import type { AnyMessengerEvent, MarketingMessageKind, Platform } from './messenger-events';
import { MessengerEvents } from './messenger-events';

/** Meta's webhook body, as far as we read it. Unknown fields and event types are ignored. */
interface WebhookBody {
  object?: string;
  entry?: Array<{
    id?: string;
    time?: number;
    messaging?: MessagingItem[];
    changes?: Array<{ field?: string; value?: Record<string, unknown> }>;
  }>;
}

interface MessagingItem {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; quick_reply?: { payload?: string } };
  postback?: { mid?: string; payload?: string; title?: string; referral?: { ref?: string; source?: string } };
  referral?: { ref?: string; source?: string };
  optin?: {
    type?: string;
    payload?: string;
    title?: string;
    notification_messages_token?: string;
    notification_messages_timezone?: string;
    notification_messages_frequency?: string;
    token_expiry_timestamp?: number;
    user_token_status?: 'REFRESHED' | 'NOT_REFRESHED';
    notification_messages_status?: 'STOP_NOTIFICATIONS' | 'RESUME_NOTIFICATIONS';
  };
  read?: { watermark?: number; mid?: string };
  delivery?: { watermark?: number; mids?: string[] };
}

const MARKETING_FIELDS: Record<string, MarketingMessageKind> = {
  marketing_message_echoes: 'echo',
  marketing_message_deliveries: 'delivery',
  marketing_message_reads: 'read',
  marketing_message_clicks: 'click',
  marketing_message_delivery_failed: 'delivery_failed',
};

/** Turns one webhook delivery into domain events, in the order Meta listed them. */
export function parseWebhook(body: unknown): AnyMessengerEvent[] {
  const webhook = body as WebhookBody;
  const platform: Platform = webhook.object === 'instagram' ? 'instagram' : 'facebook';
  const events: AnyMessengerEvent[] = [];
  for (const entry of webhook.entry ?? []) {
    for (const item of entry.messaging ?? []) {
      const event = messagingEvent(item, platform, entry.id);
      if (event) events.push(event);
    }
    for (const change of entry.changes ?? []) {
      const kind = change.field ? MARKETING_FIELDS[change.field] : undefined;
      if (kind && change.value) events.push(marketingEvent(kind, change.value, entry.id, entry.time));
    }
  }
  return events;
}

function messagingEvent(item: MessagingItem, platform: Platform, entryPageId?: string): AnyMessengerEvent | undefined {
  const pageId = item.recipient?.id ?? entryPageId;
  const psid = item.sender?.id;
  if (!pageId || !psid || typeof item.timestamp !== 'number') return undefined;
  const base = { pageId, psid, platform, at: new Date(item.timestamp) };
  if (item.message) {
    // Echoes are the Page's own messages: they neither record a person nor open a window.
    if (item.message.is_echo || !item.message.mid) return undefined;
    return {
      name: MessengerEvents.MessageReceived,
      payload: { ...base, mid: item.message.mid, text: item.message.text, quickReplyPayload: item.message.quick_reply?.payload },
    };
  }
  if (item.postback?.payload !== undefined) {
    return {
      name: MessengerEvents.Postback,
      payload: { ...base, mid: item.postback.mid, payload: item.postback.payload, title: item.postback.title },
    };
  }
  if (item.referral) return { name: MessengerEvents.Referral, payload: { ...base, ref: item.referral.ref, source: item.referral.source } };
  if (item.optin?.type === 'notification_messages') return optinEvent(item.optin, base);
  if (item.read?.watermark !== undefined) {
    return {
      name: MessengerEvents.Read,
      payload: { ...base, watermark: new Date(item.read.watermark), mids: item.read.mid ? [item.read.mid] : undefined },
    };
  }
  if (item.delivery?.watermark !== undefined) {
    return { name: MessengerEvents.Delivery, payload: { ...base, watermark: new Date(item.delivery.watermark), mids: item.delivery.mids } };
  }
  return undefined;
}

function optinEvent(
  optin: NonNullable<MessagingItem['optin']>,
  base: { pageId: string; psid: string; platform: Platform; at: Date },
): AnyMessengerEvent | undefined {
  const status = optin.notification_messages_status;
  if (status) {
    return {
      name: MessengerEvents.OptinStatusChanged,
      payload: {
        ...base,
        status: status === 'STOP_NOTIFICATIONS' ? 'stopped' : 'resumed',
        payload: optin.payload,
        title: optin.title,
        token: optin.notification_messages_token,
      },
    };
  }
  if (!optin.notification_messages_token || optin.payload === undefined) return undefined;
  return {
    name: MessengerEvents.Optin,
    payload: {
      ...base,
      payload: optin.payload,
      title: optin.title,
      token: optin.notification_messages_token,
      timezone: optin.notification_messages_timezone,
      tokenExpiresAt: optin.token_expiry_timestamp ? new Date(optin.token_expiry_timestamp) : undefined,
      userTokenStatus: optin.user_token_status,
      frequency: optin.notification_messages_frequency,
    },
  };
}

function marketingEvent(
  kind: MarketingMessageKind,
  value: Record<string, unknown>,
  entryPageId?: string,
  entryTime?: number,
): AnyMessengerEvent {
  const str = (key: string): string | undefined => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
  const timestamp = typeof value.timestamp === 'number' ? value.timestamp : (entryTime ?? 0);
  return {
    name: MessengerEvents.MarketingMessage,
    payload: {
      kind,
      pageId: str('page_id') ?? entryPageId ?? '',
      psid: str('recipient_id') ?? null,
      // Meta documents seconds for some fields and ms for others: anything below 1e12 is seconds.
      at: new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp),
      subscriptionToken: str('messenger_subscription_token'),
      messageCampaignId: str('message_id'),
      trackingId: str('marketing_message_tracking_id'),
      errorMessage: str('error_message'),
    },
  };
}
