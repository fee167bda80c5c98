/**
 * What the Messenger module tells the others, on the event emitter. Listeners are awaited by the inbox
 * processor (emitAsync) and must be idempotent: an inbox row whose listeners failed is processed again.
 * Register them with `@OnMessengerEvent(...)` so their errors reach the processor instead of vanishing.
 */
export const MessengerEvents = {
  MessageReceived: 'messenger.message_received',
  Postback: 'messenger.postback',
  Referral: 'messenger.referral',
  Optin: 'messenger.optin',
  OptinStatusChanged: 'messenger.optin_status_changed',
  Read: 'messenger.read',
  Delivery: 'messenger.delivery',
  MarketingMessage: 'messenger.marketing_message',
} as const;

export type Platform = 'facebook' | 'instagram';

interface PersonEvent {
  pageId: string;
  /** PSID (Facebook) or IGSID (Instagram). */
  psid: string;
  platform: Platform;
  at: Date;
}

export interface MessageReceivedEvent extends PersonEvent {
  mid: string;
  text?: string;
  quickReplyPayload?: string;
}

export interface PostbackEvent extends PersonEvent {
  mid?: string;
  payload: string;
  title?: string;
}

export interface ReferralEvent extends PersonEvent {
  ref?: string;
  source?: string;
}

/** A person tapped the opt-in button: a (new or replacing) subscription token for a topic. */
export interface OptinEvent extends PersonEvent {
  payload: string;
  title?: string;
  token: string;
  timezone?: string;
  /** Old tokens only; absence means the token does not expire. */
  tokenExpiresAt?: Date;
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

export interface ReceiptEvent extends PersonEvent {
  /** Everything sent before this instant was read/delivered. */
  watermark: Date;
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

export interface MessengerEventMap {
  [MessengerEvents.MessageReceived]: MessageReceivedEvent;
  [MessengerEvents.Postback]: PostbackEvent;
  [MessengerEvents.Referral]: ReferralEvent;
  [MessengerEvents.Optin]: OptinEvent;
  [MessengerEvents.OptinStatusChanged]: OptinStatusChangedEvent;
  [MessengerEvents.Read]: ReceiptEvent;
  [MessengerEvents.Delivery]: ReceiptEvent;
  [MessengerEvents.MarketingMessage]: MarketingMessageEvent;
}

export type MessengerEventName = keyof MessengerEventMap;
export type AnyMessengerEvent = { [K in MessengerEventName]: { name: K; payload: MessengerEventMap[K] } }[MessengerEventName];
