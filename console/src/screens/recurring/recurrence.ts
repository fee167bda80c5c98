import type { TFunction } from 'i18next';
import { RRule, type Options } from 'rrule';

/** RFC 5545 weekday codes, Monday first. */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekdayCode = (typeof WEEKDAYS)[number];

/** The repeats a shop owner picks from; the API takes any RFC 5545 rule of dates (src/broadcasts/recurrence.ts). */
export type RepeatPreset =
  | { kind: 'yearly'; month: number; day: number }
  /** `day` -1: the last day of each month. */
  | { kind: 'monthly'; day: number }
  | { kind: 'weekly'; weekdays: WeekdayCode[] };

/** The RRULE of a preset: yearly on 24 December is `FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24`. */
export function ruleOf(preset: RepeatPreset): string {
  switch (preset.kind) {
    case 'yearly':
      return `FREQ=YEARLY;BYMONTH=${preset.month};BYMONTHDAY=${preset.day}`;
    case 'monthly':
      return `FREQ=MONTHLY;BYMONTHDAY=${preset.day}`;
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${WEEKDAYS.filter((d) => preset.weekdays.includes(d)).join(',')}`;
  }
}

const parse = (rule: string): Partial<Options> | undefined => {
  try {
    return RRule.parseString(rule.replace(/^RRULE:/i, ''));
  } catch {
    return undefined;
  }
};
const list = <T>(v: T | T[] | null | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** The preset a rule is, or undefined for another rule (an interval, a count, an end, several months…). */
export function presetOf(rule: string): RepeatPreset | undefined {
  const o = parse(rule);
  if (!o || o.interval || o.count || o.until || o.bysetpos || o.byyearday || o.byweekno) return undefined;
  const months = list(o.bymonth);
  const days = list(o.bymonthday);
  const weekdays = list(o.byweekday);
  if (o.freq === RRule.YEARLY && months.length === 1 && days.length === 1 && weekdays.length === 0)
    return { kind: 'yearly', month: months[0]!, day: days[0]! };
  if (o.freq === RRule.MONTHLY && months.length === 0 && days.length === 1 && weekdays.length === 0)
    return { kind: 'monthly', day: days[0]! };
  if (o.freq === RRule.WEEKLY && months.length === 0 && days.length === 0 && weekdays.length > 0) {
    const codes = weekdays.map((w) => (typeof w === 'string' ? w : WEEKDAYS[typeof w === 'number' ? w : w.weekday]!));
    return { kind: 'weekly', weekdays: WEEKDAYS.filter((d) => codes.includes(d)) };
  }
  return undefined;
}

const dayStart = (date: string): Date => new Date(`${date}T00:00:00Z`);

/**
 * The rule's next `count` dates (YYYY-MM-DD) on or after `from`, and after `after` when given, read as
 * the API reads them (src/broadcasts/recurrence.ts: floating calendar days, the series starting on `from`).
 * Fewer when the rule ends; none when it is not a rule.
 */
export function nextDates(rule: string, from: string, count: number, after?: string): string[] {
  const options = parse(rule);
  if (!options || options.freq === undefined) return [];
  const r = new RRule({ ...options, dtstart: dayStart(from) });
  const dates: string[] = [];
  let next = after && after >= from ? r.after(dayStart(after), false) : r.after(dayStart(from), true);
  while (next && dates.length < count) {
    dates.push(next.toISOString().slice(0, 10));
    next = r.after(next, false);
  }
  return dates;
}

/** A date (YYYY-MM-DD) as the user reads it: "Thu, Dec 24, 2026". */
export const formatDay = (date: string, locale: string): string =>
  new Intl.DateTimeFormat(locale, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    dayStart(date),
  );

/** Month names, January first. */
export const monthNames = (locale: string): string[] =>
  Array.from({ length: 12 }, (_, m) => new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, m, 1)));

/** Weekday names in WEEKDAYS order (3 January 2000 was a Monday). */
export const weekdayNames = (locale: string): string[] =>
  WEEKDAYS.map((_, i) => new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, 0, 3 + i)));

/** A rule in words ("Every year on December 24"), or the rule itself when it is none of the presets. */
export function describeRule(t: TFunction, rule: string, locale: string): string {
  const preset = presetOf(rule);
  if (!preset) return rule;
  switch (preset.kind) {
    case 'yearly':
      return t('repeat.everyYear', {
        date: new Intl.DateTimeFormat(locale, { month: 'long', day: 'numeric', timeZone: 'UTC' }).format(
          Date.UTC(2000, preset.month - 1, preset.day),
        ),
      });
    case 'monthly':
      return preset.day === -1 ? t('repeat.everyMonthLast') : t('repeat.everyMonth', { day: preset.day });
    case 'weekly': {
      const names = weekdayNames(locale);
      return t('repeat.everyWeek', { days: preset.weekdays.map((d) => names[WEEKDAYS.indexOf(d)]).join(', ') });
    }
  }
}
