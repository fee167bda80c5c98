import { RRule, type Options } from 'rrule';
import type { FieldProblem } from '../common/http-error.filter';
import type { LocalDate } from '../common/local-time';

/** The frequencies a campaign may repeat at (RFC 5545 FREQ): yearly on a date, monthly, weekly on given days. */
const ALLOWED_FREQ = new Set([RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY]);
/** The time of day is the series' own (`time`), so the rule names dates only. */
const TIME_PARTS: Array<keyof Options> = ['byhour', 'byminute', 'bysecond', 'dtstart', 'tzid'];
/** Enough to step over a few years of missed weekly occurrences without looping forever. */
const MAX_STEPS = 1000;

/**
 * Checks an RFC 5545 RRULE value (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10) for a series
 * starting on `from`: parsed by the `rrule` library, FREQ YEARLY, MONTHLY or WEEKLY, no time parts, and at
 * least one date on or after `from`. Returns the rule normalised (without an `RRULE:` prefix), or problems naming `field`.
 */
export function checkRecurrenceRule(value: string, from: LocalDate, field: string): { rule: string } | { problems: FieldProblem[] } {
  const text = value.trim().replace(/^RRULE:/i, '');
  let options: Partial<Options>;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    return { problems: [{ field, rule: 'isRRule', message: `${field} is not an RFC 5545 RRULE: ${(error as Error).message}` }] };
  }
  if (options.freq === undefined || !ALLOWED_FREQ.has(options.freq))
    return { problems: [{ field, rule: 'isRRule', message: `${field} must repeat YEARLY, MONTHLY or WEEKLY (FREQ=…)` }] };
  const timed = TIME_PARTS.filter((p) => options[p] !== undefined && options[p] !== null);
  if (timed.length > 0)
    return {
      problems: [
        { field, rule: 'isRRule', message: `${field} names dates only (the time of day is \`time\`): remove ${timed.join(', ')}` },
      ],
    };
  if (nextOccurrence(text, from, undefined) === undefined)
    return { problems: [{ field, rule: 'isRRule', message: `${field} has no date on or after ${from} (e.g. February 30th)` }] };
  return { rule: text };
}

/**
 * The first date of the rule (dates are read as floating calendar days from `from`) after `after`, or on
 * or after `from` when `after` is undefined; undefined when the rule has ended (COUNT, UNTIL) or never matches.
 */
export function nextOccurrence(rule: string, from: LocalDate, after: LocalDate | undefined): LocalDate | undefined {
  const r = new RRule({ ...RRule.parseString(rule), dtstart: dayStart(from) });
  const next = after === undefined ? r.after(dayStart(from), true) : r.after(dayStart(after), false);
  return next ? next.toISOString().slice(0, 10) : undefined;
}

/** Steps through the rule's dates after `after` while `skip` says so (bounded); the first one kept, or undefined. */
export function firstOccurrenceWhere(
  rule: string,
  from: LocalDate,
  after: LocalDate | undefined,
  skip: (date: LocalDate) => boolean,
): LocalDate | undefined {
  let date = nextOccurrence(rule, from, after);
  for (let i = 0; date !== undefined && skip(date) && i < MAX_STEPS; i++) date = nextOccurrence(rule, from, date);
  return date !== undefined && skip(date) ? undefined : date;
}

const dayStart = (date: LocalDate): Date => new Date(`${date}T00:00:00Z`);
