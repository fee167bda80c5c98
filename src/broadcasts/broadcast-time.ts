import { addDays, startOfLocalDay, wallTimeToInstant, type LocalDate } from '../common/local-time';

/**
 * When broadcasts may go: local-time starts, and the rule "at most one marketing message per
 * subscriber per period", where a period is counted in the subscriber's own local days.
 *
 * The period setting (`periodHours`, a multiple of 24) is a number of local days N = periodHours / 24.
 * A message sent on the subscriber's local day D takes the days D … D+N-1 (one daily_sends row each);
 * the next one may go from the start of local day D+N. 24 h = one message per local day; 48 h = after
 * a message on Monday (local), nothing on Tuesday, the next on Wednesday from local midnight, however
 * early or late on Monday the first went. On top of that, Meta's own minimum spacing per subscription
 * token (one marketing message per 12 hours, see META_MIN_SPACING_MS) is never undercut: 23:50 on one
 * local day and 00:05 on the next are two days but 15 minutes apart, so the second waits until 12:00
 * past the first.
 */

/**
 * Meta allows one marketing message per subscription token per 12 hours (the token's
 * `next_eligible_time`; too early → error 2300035). Source: Marketing Message API for Messenger, FAQ,
 * https://developers.facebook.com/docs/messenger-platform/marketing-messages/ (docs/meta-platform.md §5).
 */
export const META_MIN_SPACING_MS = 12 * 3_600_000;

/** The first instant anywhere on Earth shows `date` `time` (UTC+14, Line Islands): when a local-time campaign starts. */
export function earliestLocalInstant(date: string, time: string): Date {
  return wallTimeToInstant(date, time, 'Pacific/Kiritimati');
}

/** Local days a period of `periodHours` spans (periodHours is a multiple of 24; anything else rounds up). */
export function periodDays(periodHours: number): number {
  return Math.max(1, Math.ceil(periodHours / 24));
}

/** The local days a message sent on `today` takes: `today` and the N-1 after it. */
export function daysTakenBy(today: LocalDate, days: number): LocalDate[] {
  // The send loop calls this for every recipient: today itself needs no calendar arithmetic.
  return Array.from({ length: days }, (_, i) => (i === 0 ? today : addDays(today, i)));
}

/**
 * Another delivery's hold on the subscriber: the local days it took, and when it reached Meta (at the
 * latest): the send time, `now` while it is in flight, null when nothing was sent (a retry keeps its days).
 */
export interface OtherSend {
  days: LocalDate[];
  sentAt: Date | null;
}

/**
 * Why a subscriber must wait, and until when (an instant in UTC):
 * - `already_messaged`: another message took one of the local days this one would take; `retryAt` is
 *   the start of the first free local day (or later, if Meta's 12 hours end later);
 * - `meta_12h_spacing`: the local day is free but the last message went less than 12 hours ago
 *   (`retryAt` = that send + 12 h); also the reason when the 12 hours outlast the local day;
 * - `slot_contended`: the slot changed hands while it was being taken; try again at once.
 * `alreadyMessaged` says whether the local-day rule refused (what a campaign's `onAlreadyMessaged` acts on).
 */
export type DailySlotDecision =
  | { allowed: true }
  | { allowed: false; rule: 'already_messaged' | 'meta_12h_spacing' | 'slot_contended'; alreadyMessaged: boolean; retryAt: Date };

/**
 * Decides one subscriber's slot after this delivery tried to take `daysTakenBy(today, days)`.
 * `mineHoldsAll`: every one of those daily_sends rows is this delivery's. `others`: the other
 * deliveries holding rows of the subscriber from two days before `today` on (a subscriber's other
 * subscriptions may report other zones, so their day labels can differ by up to two).
 */
export function decideDailySlot(input: {
  now: Date;
  zone: string;
  today: LocalDate;
  days: number;
  mineHoldsAll: boolean;
  others: OtherSend[];
}): DailySlotDecision {
  const { now, zone, today, days, others } = input;
  const window = new Set(daysTakenBy(today, days));
  let heldUntil: LocalDate | undefined;
  let spacingUntil = 0;
  for (const other of others) {
    if (other.days.some((d) => window.has(d))) {
      const latest = other.days.reduce((a, b) => (b > a ? b : a));
      if (heldUntil === undefined || latest > heldUntil) heldUntil = latest;
    }
    if (other.sentAt) spacingUntil = Math.max(spacingUntil, other.sentAt.getTime() + META_MIN_SPACING_MS);
  }
  const spacingBinds = spacingUntil > now.getTime();
  if (heldUntil !== undefined) {
    const dayStart = startOfLocalDay(addDays(heldUntil, 1), zone).getTime();
    return {
      allowed: false,
      rule: spacingUntil > dayStart ? 'meta_12h_spacing' : 'already_messaged',
      alreadyMessaged: true,
      retryAt: new Date(Math.max(dayStart, spacingUntil)),
    };
  }
  if (spacingBinds) return { allowed: false, rule: 'meta_12h_spacing', alreadyMessaged: false, retryAt: new Date(spacingUntil) };
  if (!input.mineHoldsAll) return { allowed: false, rule: 'slot_contended', alreadyMessaged: false, retryAt: now };
  return { allowed: true };
}
