import { DateTime, IANAZone } from 'luxon';

/**
 * Wall-clock time in a time zone, done by Luxon (https://moment.github.io/luxon/#/zones) over the IANA
 * time zone database (https://www.iana.org/time-zones), never by hand-made offset arithmetic. Every
 * computation of a local date, a local midnight or a local HH:MM in the project goes through here.
 */

/** A local calendar date, `YYYY-MM-DD` (ISO 8601). */
export type LocalDate = string;

/** The zone every unknown or missing zone falls back to when a caller has nothing better. */
export const UTC_ZONE = 'UTC';

/** True for a name the IANA database knows (`Asia/Manila`, `UTC`, `America/Los_Angeles`); false for `+08:00`, `Mars/Olympus`, ''. */
export function isValidTimeZone(zone: string): boolean {
  // Node 22's ICU also takes UTC offsets (`+08:00`) as time zones (ECMA-402 offset time zones); a name of
  // the IANA database starts with a letter, and an offset carries no daylight-saving rules, so it is refused.
  return zone.length > 0 && zone.length <= 64 && IANA_NAME.test(zone) && IANAZone.isValidZone(zone);
}

/** The shape of an IANA zone name: `Asia/Manila`, `UTC`, `Etc/GMT+8`, `America/Argentina/Buenos_Aires`. */
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** The local date `at` falls on in `zone` (`YYYY-MM-DD`). Throws on an unknown zone: check it first. */
export function localDateOf(at: Date, zone: string): LocalDate {
  return inZone(DateTime.fromJSDate(at, { zone }), zone).toISODate()!;
}

/** True when `date` is a real `YYYY-MM-DD` calendar date (2026-02-30 is not). */
export function isValidLocalDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && DateTime.fromISO(date, { zone: UTC_ZONE }).isValid;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: UTC_ZONE }).plus({ days }).toISODate()!;
}

/**
 * The instant `zone`'s wall clock shows `date` (`YYYY-MM-DD`) at `time` (`HH:MM`).
 * - In a daylight-saving gap the wall time never shows: the first valid instant after it is used, the
 *   moment the clocks jump (02:30 on New York's spring-forward day → 03:00 EDT, 07:00 UTC).
 * - In an overlap the wall time shows twice: the first occurrence is used (01:30 on New York's
 *   fall-back day → 01:30 EDT, 05:30 UTC). Luxon alone picks either one depending on the zone, and
 *   moves a gap time forward by the gap's length, so both cases are settled here.
 */
export function wallTimeToInstant(date: LocalDate, time: string, zone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wanted = { year, month, day, hour, minute };
  const guess = DateTime.fromObject(wanted, { zone });
  if (!guess.isValid) throw new RangeError(`${date} ${time} in ${zone}: ${guess.invalidExplanation ?? guess.invalidReason}`);
  if (guess.hour === hour && guess.minute === minute && guess.day === day) {
    const first = guess.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a));
    return first.toJSDate();
  }
  return firstInstantShowing(DateTime.fromObject(wanted, { zone: UTC_ZONE }).toMillis(), guess, zone);
}

/** The instant `zone`'s local day `date` begins: local midnight, or the first instant after it when midnight falls in a gap. */
export function startOfLocalDay(date: LocalDate, zone: string): Date {
  return wallTimeToInstant(date, '00:00', zone);
}

/** The start of the local day after the one `at` falls on, in `zone`. */
export function startOfNextLocalDay(at: Date, zone: string): Date {
  return startOfLocalDay(addDays(localDateOf(at, zone), 1), zone);
}

/** The local wall time (`HH:MM`) of `at` in `zone`. */
export function localTimeOf(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('HH:mm');
}

/**
 * The first instant, at or before `after` (a time past the gap), whose wall time in `zone` is at or
 * past `wallMs` (the wanted wall time read as if it were UTC): the end of the daylight-saving gap.
 * Wall time only moves forward around a gap, so a binary search over whole seconds finds it; the
 * window of 25 hours covers every gap in the database (Samoa skipped a whole day in 2011).
 */
function firstInstantShowing(wallMs: number, after: DateTime, zone: string): Date {
  const wallOf = (ms: number): number => DateTime.fromMillis(ms, { zone }).setZone(UTC_ZONE, { keepLocalTime: true }).toMillis();
  let hi = Math.floor(after.toMillis() / 1000);
  let lo = hi - 25 * 3600;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(mid * 1000) >= wallMs) hi = mid;
    else lo = mid;
  }
  return new Date(hi * 1000);
}

function inZone(dt: DateTime, zone: string): DateTime {
  if (!dt.isValid) throw new RangeError(`unknown time zone ${zone}`);
  return dt;
}
