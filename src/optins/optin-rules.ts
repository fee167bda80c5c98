import type { OptinDecision } from './optin-outcome';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
export const SAME_TITLE_PERIOD_MS = 7 * DAY;
export const INSTAGRAM_DISTINCT_TITLES_PER_7_DAYS = 10;
export const INSTAGRAM_REQUESTS_PER_DAY = 5;
/** How long an answer from Meta may take; a reservation older than this may have been sent by a process that died. */
export const RESERVATION_TIMEOUT_MS = 10 * 60_000;
/** How long we stop asking after Meta said the Page is restricted from opt-in requests (10/1404170). */
export const PAGE_RESTRICTION_BACKOFF_MS = DAY;

/** A past request to this person on this Page, as the rules need it. */
export interface PastRequest {
  title: string;
  imageUrl: string | null;
  status: 'reserved' | 'sent' | 'failed';
  errorKind: string | null;
  createdAt: Date;
}

export interface OptinRuleInputs {
  at: Date;
  platform: 'facebook' | 'instagram';
  topic: { title: string; imageUrl: string | null; active: boolean; archived: boolean };
  window: { open: boolean; lastInboundAt: Date | null };
  subscribed: boolean;
  /** Requests to this person in the last 7 days (any topic). */
  history: PastRequest[];
  /** The Page's latest refusal for restriction, if any. */
  pageRestrictedAt: Date | null;
}

/**
 * Meta's rules for the opt-in request (docs/meta-platform.md §2), checked against our own history
 * before anything is sent. Pure: the same inputs give the same answer, whoever asks.
 */
export function evaluateOptinRules(input: OptinRuleInputs): OptinDecision {
  const { at, platform, topic } = input;
  const now = at.getTime();
  if (!topic.active || topic.archived) {
    return { allowed: false, rule: 'topic_inactive', message: 'The topic is not active' };
  }
  if (input.pageRestrictedAt && now < input.pageRestrictedAt.getTime() + PAGE_RESTRICTION_BACKOFF_MS) {
    return {
      allowed: false,
      rule: 'page_restricted',
      message: 'Meta restricted this Page from sending opt-in requests',
      retryAt: new Date(input.pageRestrictedAt.getTime() + PAGE_RESTRICTION_BACKOFF_MS),
    };
  }
  if (!input.window.open) {
    return {
      allowed: false,
      rule: 'window_closed',
      message: input.window.lastInboundAt
        ? 'The person last wrote more than 24 hours ago; the request can be sent after they write again'
        : 'The person never wrote to the Page; the request can be sent after they write',
    };
  }
  if (input.subscribed) {
    return { allowed: false, rule: 'already_subscribed', message: 'The person is already subscribed to this topic' };
  }

  // Meta's identity of "the same request": the title on Facebook, title + image on Instagram.
  const identity = (r: { title: string; imageUrl: string | null }): string =>
    platform === 'instagram' ? `${r.title}\u0000${r.imageUrl ?? ''}` : r.title;
  const counting = input.history.filter((r) => r.status !== 'failed' && now - r.createdAt.getTime() < SAME_TITLE_PERIOD_MS);
  const same = counting.filter((r) => identity(r) === identity(topic));

  const pending = same.find((r) => r.status === 'reserved' && now - r.createdAt.getTime() < RESERVATION_TIMEOUT_MS);
  if (pending) {
    return {
      allowed: false,
      rule: 'request_pending',
      message: 'The same opt-in request is being sent to this person right now',
      retryAt: new Date(pending.createdAt.getTime() + RESERVATION_TIMEOUT_MS),
    };
  }
  if (same.length > 0) {
    const latest = Math.max(...same.map((r) => r.createdAt.getTime()));
    return {
      allowed: false,
      rule: 'same_title_within_7_days',
      message:
        platform === 'instagram'
          ? 'This title and image were sent to the person in the last 7 days'
          : 'This title was sent to the person in the last 7 days',
      retryAt: new Date(latest + SAME_TITLE_PERIOD_MS),
    };
  }
  if (platform !== 'instagram') return { allowed: true };

  const lastByTitle = new Map<string, number>();
  for (const r of counting) lastByTitle.set(r.title, Math.max(lastByTitle.get(r.title) ?? 0, r.createdAt.getTime()));
  if (!lastByTitle.has(topic.title) && lastByTitle.size >= INSTAGRAM_DISTINCT_TITLES_PER_7_DAYS) {
    // Allowed again once enough titles age out to leave room for one more.
    const times = [...lastByTitle.values()].sort((a, b) => a - b);
    return {
      allowed: false,
      rule: 'instagram_titles_per_7_days',
      message: `Instagram allows ${INSTAGRAM_DISTINCT_TITLES_PER_7_DAYS} different titles per person in 7 days`,
      retryAt: new Date(times[times.length - INSTAGRAM_DISTINCT_TITLES_PER_7_DAYS]! + SAME_TITLE_PERIOD_MS),
    };
  }
  const lastDay = counting
    .map((r) => r.createdAt.getTime())
    .filter((t) => now - t < DAY)
    .sort((a, b) => a - b);
  if (lastDay.length >= INSTAGRAM_REQUESTS_PER_DAY) {
    return {
      allowed: false,
      rule: 'instagram_requests_per_day',
      message: `Instagram allows ${INSTAGRAM_REQUESTS_PER_DAY} opt-in requests per person per day`,
      retryAt: new Date(lastDay[lastDay.length - INSTAGRAM_REQUESTS_PER_DAY]! + DAY),
    };
  }
  return { allowed: true };
}
