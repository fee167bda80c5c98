import { parseMetaTime, readMetaEnum, USER_TOKEN_STATUSES } from '../../../libs/graph-api/src';
import type {
  AnyMessengerEvent,
  MarketingMessageKind,
  MessageAttachment,
  MessageReceivedEvent,
  MessagingChannel,
  Platform,
  ReferralInfo,
} from './messenger-events';
import { MessengerEvents } from './messenger-events';

/**
 * Turns one webhook delivery (Messenger `object: "page"` or Instagram `object: "instagram"`) into domain
 * events, in the order Meta listed them. Every shape it reads has a fixture in `./fixtures`, each naming
 * the Meta reference it follows. Rules:
 * - `entry[].messaging[]` and `entry[].standby[]` carry the same shapes; events say which (`channel`).
 * - Every time goes through parseMetaTime (number or numeric string, seconds or ms). An event whose own
 *   `timestamp` cannot be read takes the entry's `time`; a time field that cannot be read is left out.
 * - An enum value the parser does not know (any spelling of a documented one is known, see readMetaEnum)
 *   never becomes a guess: the event it belongs to is dropped (a status change) or the field left out (a
 *   token status), and an UnrecognisedValue event reports it.
 * - Shapes we have no use for (handover notices, plugin opt-ins, guests of the chat plugin without a
 *   PSID, deleted messages) make no event; unreadable input never fails the whole delivery.
 */
export function parseWebhook(body: unknown): AnyMessengerEvent[] {
  const webhook = record(body);
  const events: AnyMessengerEvent[] = [];
  for (const rawEntry of list(webhook?.entry)) {
    const entry = record(rawEntry);
    if (!entry) continue;
    const entryPageId = id(entry.id);
    const report = (field: string, value: unknown): void => {
      if (entryPageId) events.push(unrecognised(entryPageId, field, value));
    };
    const platform = PLATFORMS[String(webhook?.object)];
    if (!platform) {
      report('object', webhook?.object);
      continue;
    }
    const ctx: EntryContext = { platform, entryPageId, entryTime: readTime(entry.time, 'entry.time', report), report };
    for (const item of list(entry.messaging)) events.push(...messagingEvents(record(item), ctx, 'messaging'));
    for (const item of list(entry.standby)) events.push(...messagingEvents(record(item), ctx, 'standby'));
    for (const change of list(entry.changes)) events.push(...changeEvents(record(change), ctx));
  }
  return events;
}

type Json = Record<string, unknown>;
type Report = (field: string, value: unknown) => void;

interface EntryContext {
  platform: Platform;
  entryPageId?: string;
  entryTime?: Date;
  report: Report;
}

interface Base {
  pageId: string;
  psid: string;
  platform: Platform;
  at: Date;
  channel: MessagingChannel;
}

const PLATFORMS: Record<string, Platform> = { page: 'facebook', instagram: 'instagram' };
const OPTIN_TYPES = ['notification_messages'] as const;
const OPTIN_STATUSES = ['STOP_NOTIFICATIONS', 'RESUME_NOTIFICATIONS'] as const;
/** Old weekly/monthly tokens still carry their frequency (deprecated for new opt-ins on 2023-01-31). */
const FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY'] as const;
const REACTION_ACTIONS = ['react', 'unreact'] as const;

const MARKETING_FIELDS: Record<string, MarketingMessageKind> = {
  marketing_message_echoes: 'echo',
  marketing_message_deliveries: 'delivery',
  marketing_message_reads: 'read',
  marketing_message_clicks: 'click',
  marketing_message_delivery_failed: 'delivery_failed',
};
/** Documented marketing fields we subscribe to but do not act on: known, so not reported. */
const MARKETING_FIELDS_IGNORED = new Set(['marketing_messages_subscriber_upload_status']);

function messagingEvents(item: Json | undefined, ctx: EntryContext, channel: MessagingChannel): AnyMessengerEvent[] {
  if (!item) return [];
  const message = record(item.message);
  // An echo is the Page writing: the Page is the sender and the person the recipient.
  const echo = message?.is_echo === true;
  const pageId = id(record(echo ? item.sender : item.recipient)?.id) ?? ctx.entryPageId;
  // Guests of the chat plugin come as `sender.user_ref`, without a PSID: nobody we can address.
  const psid = id(record(echo ? item.recipient : item.sender)?.id);
  const at = readTime(item.timestamp, 'timestamp', ctx.report) ?? ctx.entryTime;
  if (!pageId || !psid || !at) return [];
  const base: Base = { pageId, psid, platform: ctx.platform, at, channel };

  if (message) return messageEvents(message, echo, base);
  const postback = record(item.postback);
  if (postback) {
    return [
      {
        name: MessengerEvents.Postback,
        payload: compact({
          ...base,
          mid: text(postback.mid),
          payload: text(postback.payload),
          title: text(postback.title),
          referral: referral(postback.referral),
        }),
      },
    ];
  }
  const referralInfo = referral(item.referral);
  if (referralInfo) return [{ name: MessengerEvents.Referral, payload: compact({ ...base, ...referralInfo }) }];
  const optin = record(item.optin);
  if (optin) return optinEvents(optin, base);
  const reaction = record(item.reaction);
  if (reaction) {
    const action = readMetaEnum(reaction.action, REACTION_ACTIONS);
    if (!action) return [unrecognised(pageId, 'reaction.action', reaction.action)];
    return [
      {
        name: MessengerEvents.Reaction,
        payload: compact({ ...base, mid: text(reaction.mid), action, reaction: text(reaction.reaction), emoji: text(reaction.emoji) }),
      },
    ];
  }
  const read = record(item.read);
  if (read) return receipt(MessengerEvents.Read, read, 'read', base, ctx.report);
  const delivery = record(item.delivery);
  if (delivery) return receipt(MessengerEvents.Delivery, delivery, 'delivery', base, ctx.report);
  return [];
}

function messageEvents(message: Json, echo: boolean, base: Base): AnyMessengerEvent[] {
  const mid = text(message.mid);
  // An unsent (deleted) Instagram message is not a new message from the person.
  if (!mid || message.is_deleted === true) return [];
  if (echo) {
    return [
      {
        name: MessengerEvents.MessageEcho,
        payload: compact({ ...base, mid, text: text(message.text), appId: id(message.app_id), metadata: text(message.metadata) }),
      },
    ];
  }
  // Built field by field rather than through compact(): this is the hot path (every customer message).
  const payload: MessageReceivedEvent = { ...base, mid };
  put(payload, 'text', text(message.text));
  put(payload, 'quickReplyPayload', text(record(message.quick_reply)?.payload));
  const replyTo = record(message.reply_to);
  if (replyTo) {
    put(payload, 'replyToMid', text(replyTo.mid));
    put(payload, 'replyToStoryId', id(record(replyTo.story)?.id));
  }
  if (Array.isArray(message.attachments)) {
    const attachments: MessageAttachment[] = [];
    for (const raw of message.attachments) {
      const attachment = record(raw);
      const type = text(attachment?.type);
      if (type) attachments.push(compact({ type, url: text(record(attachment?.payload)?.url) }));
    }
    if (attachments.length > 0) payload.attachments = attachments;
  }
  put(payload, 'referral', referral(message.referral));
  if (message.is_unsupported === true) payload.unsupported = true;
  return [{ name: MessengerEvents.MessageReceived, payload }];
}

/**
 * `messaging_optins` of type `notification_messages`: a new token, or a STOP / RESUME of one. A status in
 * no known spelling, or another `type`, changes nothing and is reported. An opt-in without a `type` is a
 * plugin's (`ref` / `user_ref`), not a marketing subscription.
 */
function optinEvents(optin: Json, base: Base): AnyMessengerEvent[] {
  if (optin.type === undefined) return [];
  if (!readMetaEnum(optin.type, OPTIN_TYPES)) return [unrecognised(base.pageId, 'optin.type', optin.type)];
  const rawStatus = optin.notification_messages_status;
  if (rawStatus !== undefined && rawStatus !== null) {
    const status = readMetaEnum(rawStatus, OPTIN_STATUSES);
    if (!status) return [unrecognised(base.pageId, 'optin.notification_messages_status', rawStatus)];
    return [
      {
        name: MessengerEvents.OptinStatusChanged,
        payload: compact({
          ...base,
          status: status === 'STOP_NOTIFICATIONS' ? ('stopped' as const) : ('resumed' as const),
          payload: text(optin.payload),
          title: text(optin.title),
          token: text(optin.notification_messages_token),
        }),
      },
    ];
  }
  const token = text(optin.notification_messages_token);
  const payload = text(optin.payload);
  if (!token || payload === undefined) return [];
  const reports: AnyMessengerEvent[] = [];
  const note: Report = (field, value) => reports.push(unrecognised(base.pageId, field, value));
  const optional = <T extends string>(field: string, known: readonly T[]): T | undefined => {
    const value = optin[field];
    if (value === undefined || value === null) return undefined;
    const read = readMetaEnum(value, known);
    if (!read) note(`optin.${field}`, value);
    return read;
  };
  const timezone = text(optin.notification_messages_timezone);
  if (timezone !== undefined && !isTimeZone(timezone)) note('optin.notification_messages_timezone', timezone);
  return [
    {
      name: MessengerEvents.Optin,
      payload: compact({
        ...base,
        payload,
        title: text(optin.title),
        token,
        timezone: timezone !== undefined && isTimeZone(timezone) ? timezone : undefined,
        tokenExpiresAt: readTime(optin.token_expiry_timestamp, 'optin.token_expiry_timestamp', note),
        userTokenStatus: optional('user_token_status', USER_TOKEN_STATUSES),
        frequency: optional('notification_messages_frequency', FREQUENCIES),
      }),
    },
    ...reports,
  ];
}

function receipt(
  name: typeof MessengerEvents.Read | typeof MessengerEvents.Delivery,
  receiptBody: Json,
  field: 'read' | 'delivery',
  base: Base,
  report: Report,
): AnyMessengerEvent[] {
  const watermark = readTime(receiptBody.watermark, `${field}.watermark`, report);
  // Messenger deliveries list `mids`; Instagram's `messaging_seen` names the one message read (`mid`).
  const mids = [...list(receiptBody.mids), receiptBody.mid].map(text).filter((mid): mid is string => mid !== undefined);
  if (!watermark && mids.length === 0) return [];
  return [{ name, payload: compact({ ...base, watermark, mids: mids.length > 0 ? mids : undefined }) }];
}

function changeEvents(change: Json | undefined, ctx: EntryContext): AnyMessengerEvent[] {
  const field = text(change?.field);
  const value = record(change?.value);
  if (!field || !value) return [];
  const kind = MARKETING_FIELDS[field];
  if (!kind) {
    // Other Page fields are not ours to read; an unknown marketing field is a new Meta shape worth seeing.
    if (field.startsWith('marketing_message') && !MARKETING_FIELDS_IGNORED.has(field)) ctx.report('changes.field', field);
    return [];
  }
  const pageId = id(value.page_id) ?? ctx.entryPageId;
  const at = readTime(value.timestamp, `${field}.timestamp`, ctx.report) ?? ctx.entryTime;
  if (!pageId || !at) return [];
  return [
    {
      name: MessengerEvents.MarketingMessage,
      payload: {
        kind,
        pageId,
        psid: id(value.recipient_id) ?? null,
        at,
        ...compact({
          subscriptionToken: text(value.messenger_subscription_token),
          messageCampaignId: id(value.message_id),
          trackingId: text(value.marketing_message_tracking_id),
          errorMessage: text(value.error_message),
        }),
      },
    },
  ];
}

function referral(raw: unknown): ReferralInfo | undefined {
  const r = record(raw);
  if (!r) return undefined;
  return compact({
    ref: text(r.ref),
    source: text(r.source),
    type: text(r.type),
    adId: id(r.ad_id),
    adTitle: text(record(r.ads_context_data)?.ad_title),
  });
}

/** A time value, or undefined; a value present but unreadable is reported under `field`. */
function readTime(value: unknown, field: string, report: Report): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const at = parseMetaTime(value);
  if (!at) report(field, value);
  return at;
}

function unrecognised(pageId: string, field: string, value: unknown): AnyMessengerEvent {
  const asText = typeof value === 'string' ? value : value === undefined ? '(absent)' : JSON.stringify(value);
  return { name: MessengerEvents.UnrecognisedValue, payload: { pageId, field, value: asText.slice(0, 100) } };
}

/** Zones already checked: building an Intl formatter per opt-in would cost more than the rest of the parse. */
const knownZones = new Map<string, boolean>();

const isTimeZone = (zone: string): boolean => {
  let valid = knownZones.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    // Bounded: a flood of made-up zones must not grow memory.
    if (knownZones.size >= 1000) knownZones.clear();
    knownZones.set(zone, valid);
  }
  return valid;
};

const record = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** Meta's ids are strings; some examples show numbers (`app_id`), read as their digits. */
const id = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined;

/** Sets `key` only when there is a value, so events carry only what Meta sent. */
function put<T, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

/** Leaves out the keys whose value is undefined, so events carry only what Meta sent. */
function compact<T extends object>(value: T): T {
  const kept: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) kept[key] = value[key];
  return kept as T;
}
