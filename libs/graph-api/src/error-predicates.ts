import type { GraphError, GraphErrorKind } from './errors';

/**
 * What a worker should do about an outcome, grouped so the decision lives here and not in each
 * worker's switch. Delays Meta does not state are our choices and can be overridden per call.
 */
export interface DeferDelays {
  /** 2300035 without `next_eligible_time`: Meta's per-token spacing is 12 hours. */
  tooEarlyMs: number;
  /** Frequency caps are measured over a day and a week; a day is the shortest that can help. */
  frequencyCappedMs: number;
  /** "Cannot receive messages now" and the min-conversation-gap skip. */
  unavailableMs: number;
  /** A campaign younger than its one-hour warm-up. */
  warmUpMs: number;
}

const HOUR = 3_600_000;

export const DEFAULT_DEFER_DELAYS: Readonly<DeferDelays> = {
  tooEarlyMs: 12 * HOUR,
  frequencyCappedMs: 24 * HOUR,
  unavailableMs: 6 * HOUR,
  warmUpMs: 10 * 60_000,
};

/** What each outcome asks of a worker. One row per kind: the Record type makes a new kind a compile error here. */
interface Disposition {
  /** `if_not_sent`: only when the call certainly did not reach Meta (a send has no idempotency key). */
  retry?: 'always' | 'if_not_sent';
  marks?: SubscriptionMark;
  /** Every further send of the campaign would fail the same way until a person acts. */
  pausesCampaign?: boolean;
  /** About the person, not the campaign: try this recipient again after this delay. */
  defersRecipient?: 'tooEarlyMs' | 'frequencyCappedMs' | 'unavailableMs';
  /** The campaign (or the client's sending) may continue at `retryAt`, or after the warm-up delay. */
  defersCampaign?: 'retryAt' | 'warmUpMs';
}

const DISPOSITIONS: Record<GraphErrorKind, Disposition> = {
  transient: { retry: 'if_not_sent' },
  rate_limited: { retry: 'always', defersCampaign: 'retryAt' },
  pacing: { retry: 'always', defersCampaign: 'retryAt' },
  message_not_active: { retry: 'always', defersCampaign: 'warmUpMs' },
  subscriber_stopped: { marks: 'stopped' },
  topic_stopped: { marks: 'stopped' },
  token_invalid: { marks: 'invalid' },
  token_other_page: { marks: 'invalid' },
  token_expired: { marks: 'expired' },
  too_early: { defersRecipient: 'tooEarlyMs' },
  frequency_capped: { defersRecipient: 'frequencyCappedMs' },
  person_unavailable: { defersRecipient: 'unavailableMs' },
  campaign_not_active: { pausesCampaign: true },
  message_invalid: { pausesCampaign: true },
  budget_reached: { pausesCampaign: true },
  payment_required: { pausesCampaign: true },
  terms_not_accepted: { pausesCampaign: true },
  button_invalid: { pausesCampaign: true },
  auth_invalid: { pausesCampaign: true },
  // A recipient's region is about that person; the ad account's or Page's stops the whole campaign.
  region_not_allowed: { pausesCampaign: true },
  outside_window: {},
  tag_not_allowed: {},
  optin_duplicate: {},
  optin_limit: {},
  page_restricted: {},
  placeholder_unresolved: {},
  invalid_request: {},
  unknown: {},
};

/**
 * True when repeating the same call later may succeed and cannot double-send. A transient failure
 * with `delivery: 'unknown'` is not retryable: the send may have happened; reconcile first.
 */
export const isRetryable = (error: GraphError): boolean => {
  const { retry } = DISPOSITIONS[error.kind];
  return retry === 'always' || (retry === 'if_not_sent' && error.kind === 'transient' && error.delivery === 'not_sent');
};

export type SubscriptionMark = 'stopped' | 'invalid' | 'expired';

/** How the subscription (token) must be marked so it is never addressed again; undefined leaves it alone. */
export const marksSubscription = (error: GraphError): SubscriptionMark | undefined => DISPOSITIONS[error.kind].marks;

/**
 * True when every further send of the campaign would fail the same way until a person acts
 * (budget, payment, terms, region, credentials, broken content, campaign gone). The error's kind
 * and message say why; a daily budget (`scope: 'daily'`) resumes by itself the next day.
 */
export const pausesCampaign = (error: GraphError): boolean =>
  (DISPOSITIONS[error.kind].pausesCampaign ?? false) && !(error.kind === 'region_not_allowed' && error.scope === 'recipient');

/** When this recipient may be tried again, for outcomes that are about the person and not the campaign. */
export const defersRecipient = (error: GraphError, now: Date = new Date(), delays: Partial<DeferDelays> = {}): Date | undefined => {
  const delay = DISPOSITIONS[error.kind].defersRecipient;
  if (delay === undefined) return undefined;
  if (error.kind === 'too_early' && error.nextEligibleAt) return error.nextEligibleAt;
  return new Date(now.getTime() + { ...DEFAULT_DEFER_DELAYS, ...delays }[delay]);
};

/** When the whole campaign (or the client's sending) may continue, for throttling and warm-up outcomes. */
export const defersCampaign = (error: GraphError, now: Date = new Date(), delays: Partial<DeferDelays> = {}): Date | undefined => {
  const delay = DISPOSITIONS[error.kind].defersCampaign;
  if (delay === undefined) return undefined;
  if (delay === 'retryAt') return 'retryAt' in error ? error.retryAt : undefined;
  return new Date(now.getTime() + (delays.warmUpMs ?? DEFAULT_DEFER_DELAYS.warmUpMs));
};
