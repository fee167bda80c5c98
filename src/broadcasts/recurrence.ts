import { RRule, type Options } from 'rrule';
import type { FieldProblem } from '../common/http-error.filter';
import type { LocalDate } from '../common/local-time';
import { rruleProblems } from './rrule-parts';

/** The frequencies a campaign may repeat at (RFC 5545 FREQ): yearly on a date, monthly, weekly on given days. */
const ALLOWED_FREQ = new Set([RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY]);
/** The time of day is the series' own (`time`), so the rule names dates only. */
const TIME_PARTS: Array<[keyof Options, string]> = [
  ['byhour', 'BYHOUR'],
  ['byminute', 'BYMINUTE'],
  ['bysecond', 'BYSECOND'],
];
/** Enough to step over a few years of missed weekly occurrences without looping forever. */
const MAX_STEPS = 1000;

/**
 * Checks an RFC 5545 RRULE value (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10) for a series
 * starting on `from`: well formed with every value in its RFC range (rruleProblems), parsed by the `rrule`
 * library, FREQ YEARLY, MONTHLY or WEEKLY, no time parts, and at least one date on or after `from`.
 * Returns the rule normalised (upper case, without an `RRULE:` prefix), or problems naming `field`, each
 * message naming the part that is wrong (`rule BYDAY=XX: each day must be …`).
 */
export function checkRecurrenceRule(value: string, from: LocalDate, field: string): { rule: string } | { problems: FieldProblem[] } {
  const problem = (message: string): { problems: FieldProblem[] } => ({ problems: [{ field, rule: 'isRRule', message }] });
  // RFC 5545 names and values are case-insensitive; rrule reads only upper case (`BYDAY=mo` is a null day).
  const text = value
    .trim()
    .toUpperCase()
    .replace(/^RRULE:/, '');
  const wrong = rruleProblems(text);
  if (wrong.length > 0) return { problems: wrong.map((w) => ({ field, rule: 'isRRule', message: `${field} ${w}` })) };
  let options: Partial<Options>;
  try {
    options = RRule.parseString(text);
  } catch (error) {
    return problem(`${field} is not an RFC 5545 RRULE: ${(error as Error).message}`);
  }
  if (options.freq === undefined || !ALLOWED_FREQ.has(options.freq))
    return problem(`${field} must repeat YEARLY, MONTHLY or WEEKLY (FREQ=…)`);
  const timed = TIME_PARTS.filter(([p]) => options[p] !== undefined && options[p] !== null).map(([, name]) => name);
  if (timed.length > 0) return problem(`${field} names dates only (the time of day is \`time\`): remove ${timed.join(', ')}`);
  let first: LocalDate | undefined;
  try {
    first = nextOccurrence(text, from, undefined);
  } catch (error) {
    // The checks above are meant to leave rrule nothing to throw on; should one slip through, it is still the rule's fault.
    return problem(`${field} is not a rule rrule can follow: ${(error as Error).message}`);
  }
  if (first === undefined)
    return problem(
      `${field} has no date on or after ${from}: its parts never meet (e.g. BYMONTH=2;BYMONTHDAY=30) or COUNT/UNTIL end it before`,
    );
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

/**
 * Steps through the rule's dates after `after` (undefined: on or after `from`) while `skip` says so
 * (bounded): the first one kept (undefined when the rule ends first), and the dates skipped before it.
 */
export function firstOccurrenceWhere(
  rule: string,
  from: LocalDate,
  after: LocalDate | undefined,
  skip: (date: LocalDate) => boolean,
): { date: LocalDate | undefined; skipped: LocalDate[] } {
  const skipped: LocalDate[] = [];
  let date = nextOccurrence(rule, from, after);
  for (let i = 0; date !== undefined && skip(date) && i < MAX_STEPS; i++) {
    skipped.push(date);
    date = nextOccurrence(rule, from, date);
  }
  return date !== undefined && skip(date) ? { date: undefined, skipped: [...skipped, date] } : { date, skipped };
}

const dayStart = (date: LocalDate): Date => new Date(`${date}T00:00:00Z`);
