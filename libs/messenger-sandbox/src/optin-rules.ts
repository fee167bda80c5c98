import { DAY_MS } from './clock';
import { duplicateOptinTitle, tooManyOptinRequests, type GraphErrorSpec } from './errors';
import type { OptinRequestContent } from './message-content';
import type { OptinRequestRecord, Platform } from './model';

const SAME_TITLE_PERIOD_MS = 7 * DAY_MS;
const INSTAGRAM_DISTINCT_TITLES_PER_WEEK = 10;
const INSTAGRAM_REQUESTS_PER_DAY = 5;

/**
 * Meta's opt-in request limits, counted over the requests the person accepted before:
 * one request per title per 7 days (Instagram: per title + image_url); on Instagram also at most
 * 10 distinct titles per 7 days and 5 requests per rolling 24 hours.
 */
export function checkOptinRequest(
  platform: Platform,
  history: readonly OptinRequestRecord[] | undefined,
  request: OptinRequestContent,
  now: number,
): GraphErrorSpec | undefined {
  if (history === undefined) return undefined;
  const recent = history.filter((earlier) => now - earlier.sentAt < SAME_TITLE_PERIOD_MS);
  const sameIdentity = (earlier: OptinRequestRecord): boolean =>
    earlier.title === request.title && (platform === 'facebook' || earlier.imageUrl === request.imageUrl);
  if (recent.some(sameIdentity)) return duplicateOptinTitle();
  if (platform !== 'instagram') return undefined;
  const lastDay = recent.filter((earlier) => now - earlier.sentAt < DAY_MS).length;
  if (lastDay >= INSTAGRAM_REQUESTS_PER_DAY) return tooManyOptinRequests();
  const titles = new Set(recent.map((earlier) => earlier.title));
  if (!titles.has(request.title) && titles.size >= INSTAGRAM_DISTINCT_TITLES_PER_WEEK) return tooManyOptinRequests();
  return undefined;
}
