import {
  defersCampaign,
  defersRecipient,
  marksSubscription,
  pausesCampaign,
  type GraphError,
  type SubscriptionMark,
} from '../../libs/graph-api/src';
import { startOfNextLocalDay, UTC_ZONE } from '../common/local-time';

/**
 * What the worker does with one recipient after Meta answered, decided in one place:
 * - `sent`: keep the tracking id;
 * - `skip`: final for this campaign, with the reason (and a subscription mark when the token is dead);
 * - `defer`: try this recipient again at `at` (Meta's next eligible time);
 * - `retry`: nothing was sent, safe to repeat after a backoff;
 * - `uncertain`: the send may have reached Meta: never resent, the webhooks settle it;
 * - `hold`: the campaign must wait (pacing, warm-up) or the Page must slow down (rate limit); the
 *   recipient goes back to pending;
 * - `pause`: every further send would fail the same way (budget, payment, terms…): pause the campaign;
 * - `fail`: Meta refused this message for a reason that retrying cannot change.
 */
export type SendOutcome =
  | { kind: 'sent'; trackingId: string }
  | { kind: 'skip'; reason: string; mark?: SubscriptionMark; error: GraphError }
  | { kind: 'defer'; at: Date; reason: string; error: GraphError }
  | { kind: 'retry'; error: GraphError }
  | { kind: 'uncertain'; error: GraphError }
  | { kind: 'hold'; scope: 'campaign' | 'page'; until: Date; reason: string; error: GraphError }
  | { kind: 'pause'; reason: string; resumeAt?: Date; error: GraphError }
  | { kind: 'fail'; reason: string; error: GraphError };

/**
 * When a daily budget (2300054) allows sends again: Meta's budget day is the ad account's; the plugin
 * does not read the ad account's zone (and the sandbox resets at 00:00 UTC), so the pause ends at the
 * next 00:00 UTC and a refusal after it simply pauses again.
 */
const nextBudgetDay = (now: Date): Date => startOfNextLocalDay(now, UTC_ZONE);

export function decideSendOutcome(error: GraphError, now: Date): SendOutcome {
  const mark = marksSubscription(error);
  if (mark)
    return {
      kind: 'skip',
      reason: mark === 'stopped' ? 'subscriber_stopped' : mark === 'expired' ? 'token_expired' : 'token_invalid',
      mark,
      error,
    };
  if (pausesCampaign(error)) {
    if (error.kind === 'budget_reached') {
      return error.scope === 'daily'
        ? { kind: 'pause', reason: 'daily_budget_reached', resumeAt: nextBudgetDay(now), error }
        : { kind: 'pause', reason: 'budget_reached', error };
    }
    return { kind: 'pause', reason: error.kind === 'payment_required' ? `payment_${error.problem}` : error.kind, error };
  }
  switch (error.kind) {
    case 'too_early':
      return { kind: 'defer', at: defersRecipient(error, now)!, reason: 'too_early', error };
    // Meta says not to retry these people soon: skipped for this campaign, with the reason.
    case 'frequency_capped':
    case 'person_unavailable':
      return { kind: 'skip', reason: error.kind, error };
    case 'region_not_allowed':
      return { kind: 'skip', reason: 'recipient_region_not_allowed', error };
    case 'rate_limited':
      return { kind: 'hold', scope: 'page', until: defersCampaign(error, now)!, reason: 'rate_limited', error };
    case 'pacing':
    case 'message_not_active':
      return { kind: 'hold', scope: 'campaign', until: defersCampaign(error, now)!, reason: error.kind, error };
    case 'transient':
      return error.delivery === 'not_sent' ? { kind: 'retry', error } : { kind: 'uncertain', error };
    // Handled above (subscription marks, campaign pauses) or a refusal retrying cannot change.
    case 'subscriber_stopped':
    case 'topic_stopped':
    case 'token_invalid':
    case 'token_other_page':
    case 'token_expired':
    case 'budget_reached':
    case 'payment_required':
    case 'campaign_not_active':
    case 'message_invalid':
    case 'terms_not_accepted':
    case 'button_invalid':
    case 'auth_invalid':
    case 'placeholder_unresolved':
    case 'outside_window':
    case 'tag_not_allowed':
    case 'optin_duplicate':
    case 'optin_limit':
    case 'page_restricted':
    case 'invalid_request':
    case 'unknown':
      return { kind: 'fail', reason: error.kind, error };
  }
}

/** Backoff after a failure that sent nothing: 30 s, 1 min, 2 min … capped at 30 min. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 30 * 60_000);
}

export const MAX_SEND_ATTEMPTS = 6;

/** The reason of an outcome, as metrics label it: ours or Meta's error kind; empty for a send. */
export function outcomeReason(outcome: SendOutcome): string {
  if (outcome.kind === 'sent') return '';
  return 'reason' in outcome ? outcome.reason : outcome.error.kind;
}
