import type { OptinRequestSource } from './entities/optin-request.entity';
/**
 * The platform rules an opt-in request can break (docs/meta-platform.md §2, and our policy, §7).
 * Each has one check, in OptinPolicy; every sender (API, sequence steps, POS rules) gets the same answer.
 */
export type OptinRule =
  | 'topic_inactive'
  | 'page_restricted'
  | 'window_closed'
  | 'already_subscribed'
  | 'request_pending'
  | 'same_title_within_7_days'
  | 'instagram_titles_per_7_days'
  | 'instagram_requests_per_day'
  /** Meta refused what our own history allowed (its error kind is in `graphError`). */
  | 'refused_by_meta'
  /** Meta could not be reached or answered 5xx; nothing is known to be sent. */
  | 'platform_unavailable'
  /**
   * Not a refusal: a webhook delivery about the person that Meta was already answered for is still
   * unapplied (FreshState), so the rules cannot be read yet; nothing was sent. Ask again at `retryAt`.
   */
  | 'webhooks_pending';

export interface OptinRefusal {
  allowed: false;
  rule: OptinRule;
  message: string;
  /** The earliest instant the request could be allowed, where the rule has one. */
  retryAt?: Date;
  graphError?: string;
}

export type OptinDecision = { allowed: true } | OptinRefusal;

export interface OptinRequestInput {
  pageId: string;
  psid: string;
  topicId: string;
  source: OptinRequestSource;
  /** The caller's reference, e.g. a sequence run step id; kept on the request row for statistics. */
  sourceRef?: string;
}

export type OptinRequestOutcome =
  | { sent: true; requestId: string; messageId: string; sentAt: Date }
  | ({ sent: false; requestId?: string } & Omit<OptinRefusal, 'allowed'>);
