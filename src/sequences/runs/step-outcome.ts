import type { OnForbidden } from '../step-content';

/** What became of one attempt at a step, as the sender reports it. */
export type StepOutcome =
  | { kind: 'sent'; messageId: string }
  /** The platform or the opt-in policy forbids it: recorded with the rule's name, never retried. */
  | { kind: 'skipped'; rule: string; detail?: string }
  /** Nothing was sent and trying again later may work (5xx not reached, rate limit, Meta unreachable). */
  | { kind: 'retry'; error: string; retryAt?: Date }
  | { kind: 'failed'; error: string }
  /** The send may have reached Meta: it is never repeated. */
  | { kind: 'uncertain'; error: string };

export type FinalOutcome = Exclude<StepOutcome, { kind: 'retry' }>;

/** Attempts per step, the first included; then a retryable failure becomes `failed`. */
export const MAX_STEP_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 15 * 60_000;

/** Exponential backoff after the `attempts`-th failed attempt: 30 s, 1 min, 2 min, … capped at 15 min. */
export const backoffMs = (attempts: number): number => Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));

/**
 * What a retryable outcome turns into: due again later, or failed for good once the attempts are spent.
 * Attempts are counted when a step is claimed, so `attempts` includes the one that just failed.
 */
export function afterRetryable(
  outcome: Extract<StepOutcome, { kind: 'retry' }>,
  attempts: number,
  now: Date,
): { retryAt: Date } | FinalOutcome {
  if (attempts >= MAX_STEP_ATTEMPTS) return { kind: 'failed', error: `gave up after ${attempts} attempts: ${outcome.error}` };
  const backoff = new Date(now.getTime() + backoffMs(attempts));
  return { retryAt: outcome.retryAt && outcome.retryAt > backoff ? outcome.retryAt : backoff };
}

/**
 * Whether the run goes on after a step. A refusal follows the step's own choice; an uncertain send goes
 * on (the next step is a different message, and the uncertain one is not repeated); a failure (bad
 * token, invalid message, attempts spent) ends the run, since the next steps would meet it too.
 */
export function runContinues(outcome: FinalOutcome, onForbidden: OnForbidden): boolean {
  switch (outcome.kind) {
    case 'sent':
    case 'uncertain':
      return true;
    case 'skipped':
      return onForbidden === 'continue';
    case 'failed':
      return false;
  }
}
