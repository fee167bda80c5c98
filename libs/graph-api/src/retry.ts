import type { GraphError } from './errors';
import type { GraphResult } from './types';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRateLimitWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: GraphError;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base · 2^(attempt-1))). */
export const backoffDelayMs = (attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number =>
  Math.floor(policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));

/**
 * How long to wait before repeating a failed attempt, or undefined to return the error.
 * `repeatable` is false for calls that create or send something: after a failure that may have
 * happened once Meta had the request (`delivery: 'unknown'`), repeating could send twice.
 */
export const retryDelayMs = (error: GraphError, attempt: number, repeatable: boolean, policy: RetryPolicy): number | undefined => {
  if (attempt >= policy.maxAttempts) return undefined;
  switch (error.kind) {
    case 'transient':
      if (error.delivery === 'unknown' && !repeatable) return undefined;
      return backoffDelayMs(attempt, policy);
    case 'rate_limited':
    case 'pacing':
      return error.retryAfterMs <= policy.maxRateLimitWaitMs ? error.retryAfterMs : undefined;
    // Everything else is an answer about the request itself: repeating it now cannot change it.
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

/** Runs `attempt` until it succeeds or `retryDelayMs` says stop; every wait counts against maxAttempts. */
export const withRetry = async <T>(
  attempt: (attemptNumber: number) => Promise<GraphResult<T>>,
  repeatable: boolean,
  policy: RetryPolicy,
  onRetry?: (event: RetryEvent) => void,
): Promise<GraphResult<T>> => {
  for (let n = 1; ; n += 1) {
    const result = await attempt(n);
    if (result.ok) return result;
    const delayMs = retryDelayMs(result.error, n, repeatable, policy);
    if (delayMs === undefined) return result;
    onRetry?.({ attempt: n, delayMs, error: result.error });
    await policy.sleep(delayMs);
  }
};
