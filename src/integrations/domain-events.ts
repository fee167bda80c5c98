/**
 * The plugin's domain events: what a host app (in-process) and a POS back end (over HTTP, signed) can
 * subscribe to. One envelope for both ways out, so a POS that moves from HTTP to in-process (or back)
 * sees the same JSON.
 *
 * In-process: each event is emitted on the app's EventEmitter2 under `domainEventName(type)`, after the
 * change that caused it is committed; a host listens with `@OnEvent(domainEventName('customer.subscribed'))`.
 * Over HTTP: the same envelope is the request body, written to the outbox in the same transaction as the
 * change (see src/integrations).
 */
export const DOMAIN_EVENT_TYPES = [
  'customer.subscribed',
  'customer.stopped',
  'customer.resumed',
  'customer.unsubscribed',
  'optin.refused',
  'order_event.dispatched',
  'order_event.skipped',
  'campaign.started',
  'campaign.paused',
  'campaign.completed',
] as const;

export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** The emitter event name of a domain event type: `marketing-messages.<type>`. */
export function domainEventName(type: DomainEventType): string {
  return `marketing-messages.${type}`;
}

/** A customer's subscription to a topic, as every customer.* event names it. */
export interface SubscriptionRef {
  /** The Page's id at Meta. */
  pageId: string;
  /** Page-scoped id of the customer (PSID, or IGSID on Instagram); null for a token Meta's listing gave without one. */
  psid: string | null;
  topicId: string;
  subscriptionId: string;
}

export interface DomainEventData {
  /** Opt-in accepted (the customer tapped the MM button) or an import/reconcile found an active token. */
  'customer.subscribed': SubscriptionRef & { source: 'optin' | 'import' };
  /** The customer pressed STOP (notification_messages_status STOP). */
  'customer.stopped': SubscriptionRef;
  /** The customer pressed RESUME. */
  'customer.resumed': SubscriptionRef;
  /** The shop (API) or Meta (token expired / revoked) ended the subscription. */
  'customer.unsubscribed': SubscriptionRef & { by: 'shop' | 'meta' };
  /** The opt-in policy refused to send the MM button; `rule` is the stable refusal code. */
  'optin.refused': { pageId: string; psid: string; topicId: string; rule: string; retryAt: string | null; source: string };
  /** An order event matched active rules and started their sequences. */
  'order_event.dispatched': { pageId: string; psid: string; orderId: string; status: string; ruleIds: string[] };
  /**
   * An order event started nothing; `reason` is the stable code (no_matching_rule, inactive_rule,
   * window_closed, ...); `ruleId` is the rule that skipped it (null when no active rule matched).
   */
  'order_event.skipped': { pageId: string; psid: string | null; orderId: string; status: string; reason: string; ruleId?: string | null };
  /** `recipients`: the audience its fan-out takes as of the start (the topic's active subscribers in its segment). */
  'campaign.started': { campaignId: string; pageId: string; topicId: string; recipients: number };
  /** `reason`: the stable code (paused_by_shop, budget_exhausted, ...). */
  'campaign.paused': { campaignId: string; pageId: string; topicId: string; reason: string };
  'campaign.completed': {
    campaignId: string;
    pageId: string;
    topicId: string;
    sent: number;
    failed: number;
    skipped: number;
    /** Cost in the smallest unit of `currency`. */
    costMinor: number;
    currency: string;
  };
}

/**
 * The envelope. `id` is unique per event (a receiver deduplicates on it); `occurredAt` is ISO 8601 UTC;
 * `orderingKey` groups events that must arrive in order (`<pageId>:<psid>` for a customer's events,
 * `campaign:<id>` for a campaign's).
 */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  type: T;
  shopId: string;
  occurredAt: string;
  orderingKey: string;
  data: DomainEventData[T];
}
