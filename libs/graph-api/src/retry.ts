import type { GraphError } from './errors';
import type { GraphResult } from './types';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxRateLimitWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** A `performance.now()` instant (ms): a wait that would end after it is not waited, the last error is the answer. */
  deadline?: number;
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
  if (error.kind === 'transient') return error.delivery === 'unknown' && !repeatable ? undefined : backoffDelayMs(attempt, policy);
  if (error.kind === 'rate_limited' || error.kind === 'pacing')
    return error.retryAfterMs <= policy.maxRateLimitWaitMs ? error.retryAfterMs : undefined;
  // Everything else is an answer about the request itself: repeating it now cannot change it.
  return undefined;
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
    if (policy.deadline !== undefined && performance.now() + delayMs >= policy.deadline) return result;
    onRetry?.({ attempt: n, delayMs, error: result.error });
    await policy.sleep(delayMs);
  }
};
