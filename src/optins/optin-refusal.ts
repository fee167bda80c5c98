import { DomainError } from '../common/domain-error';
import type { OptinRefusal, OptinRule } from './optin-outcome';

/**
 * 422 when the request cannot be sent as things stand; 409 when it conflicts with what was already sent;
 * 503 when it cannot be decided now (Meta unreachable, or deliveries about the person not yet applied).
 */
const STATUS: Record<OptinRule, 409 | 422 | 503> = {
  topic_inactive: 422,
  page_restricted: 422,
  window_closed: 422,
  refused_by_meta: 422,
  already_subscribed: 409,
  request_pending: 409,
  same_title_within_7_days: 409,
  instagram_titles_per_7_days: 409,
  instagram_requests_per_day: 409,
  platform_unavailable: 503,
  webhooks_pending: 503,
};

/** The HTTP face of a refused opt-in request: the rule is the error code; `retryAt` when there is one. */
export function optinRefusalError(refusal: Omit<OptinRefusal, 'allowed'>): DomainError {
  return new DomainError(STATUS[refusal.rule], refusal.rule, refusal.message, {
    rule: refusal.rule,
    retryAt: refusal.retryAt?.toISOString(),
    graphError: refusal.graphError,
  });
}
