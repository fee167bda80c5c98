import { wallTimeToInstant, type LocalDate } from '../common/local-time';
import { earliestLocalInstant } from './broadcast-time';
import type { RecurrenceMode } from './entities/campaign.entity';
import { firstOccurrenceWhere } from './recurrence';

/** Room past Meta's warm-up for the schedule call itself: a date is made only if its first send is at least warm-up + this ahead. */
export const SCHEDULE_MARGIN_MS = 5 * 60_000;

/**
 * When a series' dates send: its RFC 5545 `rule` from `from`, at `time` (HH:MM) in each recipient's zone
 * (`local`) or in `zone` for everyone (`page`; the series' fallback zone, else the Page's, else UTC).
 */
export interface SeriesTiming {
  rule: string;
  from: LocalDate;
  time: string;
  mode: RecurrenceMode;
  zone: string;
}

/** When the occurrence on `date` sends its first message: the earliest zone's HH:MM (`local`), or HH:MM in `zone` (`page`). */
export function occurrenceFirstSend(series: SeriesTiming, date: LocalDate): Date {
  return series.mode === 'local' ? earliestLocalInstant(date, series.time) : wallTimeToInstant(date, series.time, series.zone);
}

/**
 * The series' first date after `after` (undefined: on or after `from`) whose first send is at least
 * `warmUpMs` (Meta's warm-up in force) + SCHEDULE_MARGIN_MS after `now`, so that its occurrence can still be
 * created at Meta and scheduled; undefined when the rule ends first. `skipped`: the rule's dates passed
 * over before it, oldest first, as their first send is sooner than that (or already past).
 */
export function nextSchedulableDate(
  series: SeriesTiming,
  after: LocalDate | undefined,
  now: Date,
  warmUpMs: number,
): { date: LocalDate | undefined; skipped: LocalDate[] } {
  const earliest = now.getTime() + warmUpMs + SCHEDULE_MARGIN_MS;
  return firstOccurrenceWhere(series.rule, series.from, after, (date) => occurrenceFirstSend(series, date).getTime() < earliest);
}
