import type { GraphError } from './errors';

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

/**
 * True when repeating the same call later may succeed and cannot double-send. A transient failure
 * with `delivery: 'unknown'` is not retryable: the send may have happened; reconcile first.
 */
export const isRetryable = (error: GraphError): boolean => {
  switch (error.kind) {
    case 'transient':
      return error.delivery === 'not_sent';
    case 'rate_limited':
    case 'pacing':
    case 'message_not_active':
      return true;
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'topic_stopped':
    case 'person_unavailable':
    case 'subscriber_stopped':
    case 'token_invalid':
    case 'token_other_page':
    case 'token_expired':
    case 'campaign_not_active':
    case 'message_invalid':
    case 'too_early':
    case 'frequency_capped':
    case 'placeholder_unresolved':
    case 'button_invalid':
    case 'budget_reached':
    case 'payment_required':
    case 'terms_not_accepted':
    case 'region_not_allowed':
    case 'auth_invalid':
    case 'invalid_request':
    case 'unknown':
      return false;
  }
};

export type SubscriptionMark = 'stopped' | 'invalid' | 'expired';

/** How the subscription (token) must be marked so it is never addressed again; undefined leaves it alone. */
export const marksSubscription = (error: GraphError): SubscriptionMark | undefined => {
  switch (error.kind) {
    case 'subscriber_stopped':
    case 'topic_stopped':
      return 'stopped';
    case 'token_invalid':
    case 'token_other_page':
      return 'invalid';
    case 'token_expired':
      return 'expired';
    case 'rate_limited':
    case 'pacing':
    case 'transient':
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'person_unavailable':
    case 'campaign_not_active':
    case 'message_invalid':
    case 'message_not_active':
    case 'too_early':
    case 'frequency_capped':
    case 'placeholder_unresolved':
    case 'button_invalid':
    case 'budget_reached':
    case 'payment_required':
    case 'terms_not_accepted':
    case 'region_not_allowed':
    case 'auth_invalid':
    case 'invalid_request':
    case 'unknown':
      return undefined;
  }
};

/**
 * True when every further send of the campaign would fail the same way until a person acts
 * (budget, payment, terms, region, credentials, broken content, campaign gone). The error's kind
 * and message say why; a daily budget (`scope: 'daily'`) resumes by itself the next day.
 */
export const pausesCampaign = (error: GraphError): boolean => {
  switch (error.kind) {
    case 'campaign_not_active':
    case 'message_invalid':
    case 'budget_reached':
    case 'payment_required':
    case 'terms_not_accepted':
    case 'button_invalid':
    case 'auth_invalid':
      return true;
    case 'region_not_allowed':
      return error.scope !== 'recipient';
    case 'rate_limited':
    case 'pacing':
    case 'transient':
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'topic_stopped':
    case 'person_unavailable':
    case 'subscriber_stopped':
    case 'token_invalid':
    case 'token_other_page':
    case 'token_expired':
    case 'message_not_active':
    case 'too_early':
    case 'frequency_capped':
    case 'placeholder_unresolved':
    case 'invalid_request':
    case 'unknown':
      return false;
  }
};

/** When this recipient may be tried again, for outcomes that are about the person and not the campaign. */
export const defersRecipient = (error: GraphError, now: Date = new Date(), delays: Partial<DeferDelays> = {}): Date | undefined => {
  const d = { ...DEFAULT_DEFER_DELAYS, ...delays };
  switch (error.kind) {
    case 'too_early':
      return error.nextEligibleAt ?? new Date(now.getTime() + d.tooEarlyMs);
    case 'frequency_capped':
      return new Date(now.getTime() + d.frequencyCappedMs);
    case 'person_unavailable':
      return new Date(now.getTime() + d.unavailableMs);
    case 'rate_limited':
    case 'pacing':
    case 'transient':
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'topic_stopped':
    case 'subscriber_stopped':
    case 'token_invalid':
    case 'token_other_page':
    case 'token_expired':
    case 'campaign_not_active':
    case 'message_invalid':
    case 'message_not_active':
    case 'placeholder_unresolved':
    case 'button_invalid':
    case 'budget_reached':
    case 'payment_required':
    case 'terms_not_accepted':
    case 'region_not_allowed':
    case 'auth_invalid':
    case 'invalid_request':
    case 'unknown':
      return undefined;
  }
};

/** When the whole campaign (or the client's sending) may continue, for throttling and warm-up outcomes. */
export const defersCampaign = (error: GraphError, now: Date = new Date(), delays: Partial<DeferDelays> = {}): Date | undefined => {
  switch (error.kind) {
    case 'rate_limited':
    case 'pacing':
      return error.retryAt;
    case 'message_not_active':
      return new Date(now.getTime() + (delays.warmUpMs ?? DEFAULT_DEFER_DELAYS.warmUpMs));
    case 'transient':
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'topic_stopped':
    case 'person_unavailable':
    case 'subscriber_stopped':
    case 'token_invalid':
    case 'token_other_page':
    case 'token_expired':
    case 'campaign_not_active':
    case 'message_invalid':
    case 'too_early':
    case 'frequency_capped':
    case 'placeholder_unresolved':
    case 'button_invalid':
    case 'budget_reached':
    case 'payment_required':
    case 'terms_not_accepted':
    case 'region_not_allowed':
    case 'auth_invalid':
    case 'invalid_request':
    case 'unknown':
      return undefined;
  }
};
