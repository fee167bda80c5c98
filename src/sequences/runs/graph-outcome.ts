import type { GraphError } from '../../../libs/graph-api/src';
import type { StepOutcome } from './step-outcome';

/** What a Send API refusal means for an ordinary (non-tagged) sequence message. */
export function outcomeOfSendError(error: GraphError): Exclude<StepOutcome, { kind: 'sent' }> {
  switch (error.kind) {
    // Meta's own "outside the 24-hour window" is the same rule as our window check (docs/meta-platform.md §6).
    case 'outside_window':
      return { kind: 'skipped', rule: 'window_closed', detail: 'meta_outside_window' };
    case 'tag_not_allowed':
      return { kind: 'skipped', rule: 'tag_not_allowed' };
    case 'person_unavailable':
      return { kind: 'skipped', rule: 'person_unavailable' };
    case 'transient':
      // A timeout or a reset after the request was written may have delivered it: never send it again.
      return error.delivery === 'unknown'
        ? { kind: 'uncertain', error: `${error.reason}: ${error.message}` }
        : { kind: 'retry', error: `${error.reason}: ${error.message}` };
    case 'rate_limited':
    case 'pacing':
      return { kind: 'retry', error: `${error.kind}: ${error.message}`, retryAt: error.retryAt };
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
    case 'frequency_capped':
    case 'placeholder_unresolved':
    case 'button_invalid':
    case 'terms_not_accepted':
    case 'auth_invalid':
    case 'invalid_request':
    case 'too_early':
    case 'budget_reached':
    case 'payment_required':
    case 'region_not_allowed':
    case 'unknown':
      return { kind: 'failed', error: `${error.kind} (${error.code}${error.subcode ? `/${error.subcode}` : ''}): ${error.message}` };
  }
}
