import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';

/**
 * The instants the API accepts, in UTC: what both databases store as given (MariaDB DATETIME holds years
 * 1000-9999; SQLite keeps `toISOString()` text, which turns six-digit years into `+010000-…`) and what
 * a POS or a schedule can mean.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The instant an RFC 3339 date-time names, or undefined if it names none (no such day, no offset, out of range). */
export function parseInstant(value: unknown): Date | undefined {
  // strict: the day must exist (no 2027-02-30); the offset is required, or the instant is the server's guess.
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return undefined;
  if (!/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= EARLIEST && ms <= LATEST ? new Date(ms) : undefined;
}

/**
 * An instant as RFC 3339 (`2026-06-01T09:00:00+08:00`, `…Z`): a day that exists, an explicit offset, and a
 * UTC year from 1970 to 9999. Replaces `@IsISO8601()`/`@IsDateString()` on every input instant.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value) => parseInstant(value) !== undefined,
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an existing RFC 3339 date-time with an offset (2026-06-01T09:00:00+08:00), years 1970-9999`,
      },
    },
    options,
  );
}

/** A calendar day `YYYY-MM-DD` that exists (no 2027-02-30, no month 13), years 1970 to 9999 (ISO 8601 calendar date). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value) => {
          if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
          const day = DateTime.fromISO(value, { zone: 'utc' });
          return day.isValid && day.year >= 1970;
        },
        defaultMessage: (args) => `${args?.property ?? 'value'} must be an existing day as YYYY-MM-DD`,
      },
    },
    options,
  );
}
