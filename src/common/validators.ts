import type { PipeTransform } from '@nestjs/common';
import { isISO8601, IsString, Length, Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';
import { ValidationFailed, type FieldProblem } from './http-error.filter';

/** A person's id on a Page as Meta gives it: a PSID (Facebook) or IGSID (Instagram), digits only, 1-64 of them. */
export const PSID_PATTERN = /^\d{1,64}$/;

/**
 * A name a person gives something (a campaign, a segment, a Page, an item): a string of 1 to `max`
 * characters with one other than a space (`"   "` is a 400 naming the field, rule `isNotEmpty`, as in
 * IsStringList).
 */
export function IsName(max: number): PropertyDecorator {
  return (target, property) => {
    IsString()(target, property);
    Length(1, max)(target, property);
    NotBlank()(target, property);
  };
}

const blank = (field: string): string => `${field} must have a character other than a space`;

/**
 * A string with a character other than a space, when it is a non-empty string at all (rule `isNotEmpty`;
 * an empty one is its length rule's problem, not a second one).
 */
export function NotBlank(): PropertyDecorator {
  return ValidateBy({
    name: 'isNotEmpty',
    validator: {
      validate: (value) => typeof value !== 'string' || value === '' || value.trim() !== '',
      defaultMessage: (args) => blank(args?.property ?? 'value'),
    },
  });
}

const notAPsid = (field: string): string => `${field} must be the numeric PSID or IGSID Meta gave the person`;

/** A PSID or IGSID in a body (`customerPsid`, `psid`): PSID_PATTERN, else a 400 naming the field. */
export function IsPsid(): PropertyDecorator {
  return Matches(PSID_PATTERN, { message: (args) => notAPsid(args.property) });
}

/**
 * A `:psid` path parameter held to PSID_PATTERN. Errors: 400 `validation_failed` naming `psid`, before the
 * route reads or writes anything (a made-up `abc` would otherwise be stored as a customer).
 */
export class ParsePsidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (PSID_PATTERN.test(value)) return value;
    throw new ValidationFailed([{ field: 'psid', rule: 'matches', message: notAPsid('psid') }]);
  }
}

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

/** The key of a validator's context under which the validation pipe finds a field's own problems (see IsStringList). */
export const FIELD_PROBLEMS = 'fieldProblems';

/** A field's problems, given its value and its path in the body. */
export type FieldProblemsOf = (value: unknown, field: string) => FieldProblem[];

/** What IsStringList holds a list to; lengths count UTF-16 code units, as JavaScript's `length`. */
export interface StringListLimits {
  /** Fewest entries (default 0). */
  minItems?: number;
  maxItems: number;
  /** Each entry's length (default 1 to 200), with a character other than a space. */
  minLength?: number;
  maxLength?: number;
  /** The only values an entry may take (`isIn`). */
  oneOf?: readonly string[];
  /** The form an entry must have (`matches`), with `what` naming it in the message ("a delivery id (digits)"). */
  pattern?: { regex: RegExp; what: string };
  /** No entry twice (`arrayUnique`). */
  unique?: boolean;
  /** A check of the list's own on each entry: `test`, else a problem with `rule` saying it `must have` `what`. */
  entry?: { test: (value: string) => boolean; rule: string; what: string };
}

/**
 * A list of strings held to `limits`. A non-array, or a list of the wrong size, is one problem on the field
 * (`tags must be an array of strings`); each bad entry is its own, named by its path as nested fields are
 * (`tags.1`, like `items.0.price`). class-validator's `{ each: true }` rules name only the field, and its
 * ArrayMaxSize also fails a non-array; so the problems are worked out here and ride on the rule's context,
 * where the validation pipe (flatten) reads them.
 */
export function IsStringList(limits: StringListLimits): PropertyDecorator {
  const { minItems = 0, maxItems, minLength = 1, maxLength = 200, oneOf, pattern, unique = false, entry } = limits;
  const problemsOf: FieldProblemsOf = (value, field) => {
    if (!Array.isArray(value)) return [{ field, rule: 'isArray', message: `${field} must be an array of strings` }];
    if (value.length < minItems)
      return [{ field, rule: 'arrayMinSize', message: `${field} must hold at least ${minItems} entries, not ${value.length}` }];
    if (value.length > maxItems)
      return [{ field, rule: 'arrayMaxSize', message: `${field} must hold at most ${maxItems} entries, not ${value.length}` }];
    return value.flatMap((element: unknown, i): FieldProblem[] => {
      const at = `${field}.${i}`;
      if (typeof element !== 'string') return [{ field: at, rule: 'isString', message: `${at} must be a string` }];
      if (oneOf && !oneOf.includes(element)) return [{ field: at, rule: 'isIn', message: `${at} must be one of: ${oneOf.join(', ')}` }];
      if (pattern && !pattern.regex.test(element)) return [{ field: at, rule: 'matches', message: `${at} must be ${pattern.what}` }];
      if (element.length < minLength || element.length > maxLength)
        return [{ field: at, rule: 'isLength', message: `${at} must be ${minLength}-${maxLength} characters, not ${element.length}` }];
      if (element.trim() === '') return [{ field: at, rule: 'isNotEmpty', message: blank(at) }];
      if (entry && !entry.test(element)) return [{ field: at, rule: entry.rule, message: `${at} must have ${entry.what}` }];
      if (unique && value.indexOf(element) < i)
        return [{ field: at, rule: 'arrayUnique', message: `${at} repeats ${field}.${value.indexOf(element)} (${element})` }];
      return [];
    });
  };
  return IsCheckedBy('isStringList', problemsOf);
}

/**
 * A field held to one of the API's own checks (a campaign content, a segment definition): its problems,
 * each named by its path (`content.elements.1.title`), come out of the validation pipe with the DTO's
 * others, so one 400 lists every field at fault. They ride on the rule's context (FIELD_PROBLEMS), where
 * the pipe's flatten reads them. `problemsOf` gets the value and the field's path in the body.
 */
export function IsCheckedBy(name: string, problemsOf: FieldProblemsOf): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value, args) => problemsOf(value, args?.property ?? '').length === 0,
        defaultMessage: (args) =>
          problemsOf(args?.value, args?.property ?? 'value')
            .map((p) => p.message)
            .join('; '),
      },
    },
    { context: { [FIELD_PROBLEMS]: problemsOf } },
  );
}
