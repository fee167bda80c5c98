/**
 * What the Messenger module tells the others, on the event emitter. Listeners are awaited by the inbox
 * processor (emitAsync) and must be idempotent: an inbox row whose listeners failed is processed again.
 * Register them with `@OnMessengerEvent(...)` so their errors reach the processor instead of vanishing.
 */
export const MessengerEvents = {
  MessageReceived: 'messenger.message_received',
  MessageEcho: 'messenger.message_echo',
  Postback: 'messenger.postback',
  Referral: 'messenger.referral',
  Optin: 'messenger.optin',
  OptinStatusChanged: 'messenger.optin_status_changed',
  Reaction: 'messenger.reaction',
  Read: 'messenger.read',
  Delivery: 'messenger.delivery',
  MarketingMessage: 'messenger.marketing_message',
  UnrecognisedValue: 'messenger.unrecognised_value',
} as const;

export type Platform = 'facebook' | 'instagram';

/**
 * Where Meta delivered an event: `messaging` when our app owns the thread (or nobody does), `standby`
 * when another app owns it (handover protocol / conversation routing). A standby message is still the
 * customer writing to the Page (it opens the 24-hour window), but features that answer messages
 * (keywords, flows) leave it to the app that owns the thread.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/standby
 */
export type MessagingChannel = 'messaging' | 'standby';

interface PersonEvent {
  pageId: string;
  /** PSID (Facebook) or IGSID (Instagram). */
  psid: string;
  platform: Platform;
  at: Date;
  /** Set by the parser on every event it makes; absent (events made elsewhere) means `messaging`. */
  channel?: MessagingChannel;
}

/** A file, image, sticker, share… sent by the person; `url` is absent for `fallback` shares without payload. */
export interface MessageAttachment {
  /** Meta's attachment type as sent (`image`, `video`, `audio`, `file`, `sticker`, `share`, `story_mention`, `ig_reel`, `fallback`, …). */
  type: string;
  url?: string;
}

/** How the person came to the thread (m.me / ig.me link, ad, plugin…). */
export interface ReferralInfo {
  ref?: string;
  /** `SHORTLINK`, `ADS`, `MESSENGER_CODE`, `CUSTOMER_CHAT_PLUGIN`, … as Meta sends it (an open list). */
  source?: string;
  type?: string;
  adId?: string;
  adTitle?: string;
}

/** The person wrote to the Page (Messenger `messages`, Instagram `messages`). Opens the 24-hour window. */
export interface MessageReceivedEvent extends PersonEvent {
  mid: string;
  text?: string;
  quickReplyPayload?: string;
  /** The message this one replies to. */
  replyToMid?: string;
  /** Instagram: the story this message replies to. */
  replyToStoryId?: string;
  attachments?: MessageAttachment[];
  /** A message started from an ad or a shop product carries the referral inside it. */
  referral?: ReferralInfo;
  /** Instagram: content the API cannot show (Meta sends `is_unsupported`); still a message from the person. */
  unsupported?: boolean;
}

/** The Page's own message (sent by any app or a person in the inbox). Opens nothing. */
export interface MessageEchoEvent extends PersonEvent {
  mid: string;
  text?: string;
  /** The app that sent it, when Meta says. */
  appId?: string;
  metadata?: string;
}

export interface PostbackEvent extends PersonEvent {
  mid?: string;
  /** Absent in standby: Meta sends the payload only to the app whose button it was. */
  payload?: string;
  title?: string;
  /** The first tap of a new thread (Get Started) says where the person came from. */
  referral?: ReferralInfo;
}

export interface ReferralEvent extends PersonEvent, ReferralInfo {}

/** The person reacted to (or took back a reaction to) a message. */
export interface ReactionEvent extends PersonEvent {
  mid?: string;
  action: 'react' | 'unreact';
  /** Meta's name for it (`love`, `like`, `laugh`, `other`, … an open list); absent on unreact. */
  reaction?: string;
  emoji?: string;
}

/** A person tapped the opt-in button: a (new or replacing) subscription token for a topic. */
export interface OptinEvent extends PersonEvent {
  payload: string;
  title?: string;
  token: string;
  timezone?: string;
  /** Old tokens only; absence means the token does not expire. */
  tokenExpiresAt?: Date;
  /** Left out when Meta sends a value it does not document (reported as UnrecognisedValue). */
  userTokenStatus?: 'REFRESHED' | 'NOT_REFRESHED';
  /** Old weekly/monthly tokens only. */
  frequency?: string;
}

export interface OptinStatusChangedEvent extends PersonEvent {
  status: 'stopped' | 'resumed';
  payload?: string;
  title?: string;
  token?: string;
}

/** Messenger `message_reads` / `message_deliveries` (a watermark), Instagram `messaging_seen` (a mid). */
export interface ReceiptEvent extends PersonEvent {
  /** Everything sent before this instant was read/delivered; absent on Instagram, which names the message instead. */
  watermark?: Date;
  mids?: string[];
}

export type MarketingMessageKind = 'echo' | 'delivery' | 'read' | 'click' | 'delivery_failed';

/** The marketing_message_* webhook fields; matched to a delivery by tracking id, or token + campaign. */
export interface MarketingMessageEvent {
  kind: MarketingMessageKind;
  pageId: string;
  psid: string | null;
  at: Date;
  subscriptionToken?: string;
  /** Meta's message campaign id (`message_id` in the webhook). */
  messageCampaignId?: string;
  trackingId?: string;
  errorMessage?: string;
}

/**
 * A value Meta sent that the parser does not know (an enum spelling, an `optin.type`, a time it cannot
 * read, an `object`): the event it belonged to changed nothing. Recorded once per (Page, field, value).
 */
export interface UnrecognisedValueEvent {
  pageId: string;
  /** Where in the webhook, e.g. `optin.notification_messages_status`, `read.watermark`, `object`. */
  field: string;
  /** The value as text, at most 100 characters (never a token field). */
  value: string;
}

export interface MessengerEventMap {
  [MessengerEvents.MessageReceived]: MessageReceivedEvent;
  [MessengerEvents.MessageEcho]: MessageEchoEvent;
  [MessengerEvents.Postback]: PostbackEvent;
  [MessengerEvents.Referral]: ReferralEvent;
  [MessengerEvents.Optin]: OptinEvent;
  [MessengerEvents.OptinStatusChanged]: OptinStatusChangedEvent;
  [MessengerEvents.Reaction]: ReactionEvent;
  [MessengerEvents.Read]: ReceiptEvent;
  [MessengerEvents.Delivery]: ReceiptEvent;
  [MessengerEvents.MarketingMessage]: MarketingMessageEvent;
  [MessengerEvents.UnrecognisedValue]: UnrecognisedValueEvent;
}

export type MessengerEventName = keyof MessengerEventMap;
export type AnyMessengerEvent = { [K in MessengerEventName]: { name: K; payload: MessengerEventMap[K] } }[MessengerEventName];
