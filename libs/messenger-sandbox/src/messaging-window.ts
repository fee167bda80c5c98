import { DAY_MS } from './clock';
import type { Person } from './model';

const STANDARD_WINDOW_MS = DAY_MS;
const HUMAN_AGENT_WINDOW_MS = 7 * DAY_MS;

export type WindowDecision = { allowed: true; via: 'window' | 'human_agent' | 'follow_up' } | { allowed: false };

/**
 * May the Page message this person now? Only the person's own messages open the window (an
 * opt-in tap does not); after a tap Meta allows up to 3 follow-ups within 2 minutes, but never an
 * opt-in request.
 */
export function decideWindow(person: Person, now: number, kind: 'standard' | 'optin_request' | 'human_agent'): WindowDecision {
  const sinceMessage = person.lastMessageAt === undefined ? Number.POSITIVE_INFINITY : now - person.lastMessageAt;
  if (sinceMessage < STANDARD_WINDOW_MS) return { allowed: true, via: 'window' };
  if (kind === 'human_agent' && sinceMessage < HUMAN_AGENT_WINDOW_MS) return { allowed: true, via: 'human_agent' };
  if (kind === 'standard' && person.followUpUntil !== undefined && now < person.followUpUntil && (person.followUpsLeft ?? 0) > 0) {
    return { allowed: true, via: 'follow_up' };
  }
  return { allowed: false };
}
