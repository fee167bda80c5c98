import type { FieldProblem } from '../common/http-error.filter';
import { isValidTimeZone } from '../common/local-time';
import { parseInstant } from '../common/validators';
import { ORDER_STATUSES, type OrderStatus } from '../pos-notifications/order-status';
import { isCountryCode } from './countries';
import { normalisePurchase } from './customer-order-book';

/**
 * One condition on a subscriber. Order conditions read the customer's order summary (per Page + PSID);
 * a subscriber with no order summary has no orders (so `notOrderedWithinDays` holds for them).
 * Days count back from the moment the audience is computed (the count, or the campaign's start).
 * - `orderedWithinDays` {days}: latest counted order within the last `days` days.
 * - `notOrderedWithinDays` {days}: no counted order within the last `days` days (or never).
 * - `ordersAtLeast` {count}: at least `count` counted orders.
 * - `spentAtLeast` {amount}: total of counted orders ≥ `amount`, in minor units of the shop's currency (MINOR_UNITS_RULE).
 * - `boughtItem` {name} / `boughtCategory` {category}: an order (not canceled or returned when it came) had it; case-insensitive.
 * - `lastStatus` {statuses}: the status of the customer's latest order is one of these.
 * - `subscribedSince` {at}: opted in to the topic at or after this instant (RFC 3339).
 * - `timezone` {zones}: the subscription's reported IANA time zone is one of these.
 * - `country` {countries}: ISO 3166-1 alpha-2 codes (upper case); the subscription's reported time zone is one
 *   of these countries' (countries.ts: Meta reports no country, so it is read from the zone; no zone, no country).
 * - `hasTag` / `lacksTag` {tag}: a tag the POS set on the customer (case-insensitive).
 */
export type SegmentCondition =
  | { type: 'orderedWithinDays'; days: number }
  | { type: 'notOrderedWithinDays'; days: number }
  | { type: 'ordersAtLeast'; count: number }
  | { type: 'spentAtLeast'; amount: number }
  | { type: 'boughtItem'; name: string }
  | { type: 'boughtCategory'; category: string }
  | { type: 'lastStatus'; statuses: OrderStatus[] }
  | { type: 'subscribedSince'; at: string }
  | { type: 'timezone'; zones: string[] }
  | { type: 'country'; countries: string[] }
  | { type: 'hasTag'; tag: string }
  | { type: 'lacksTag'; tag: string };

export type SegmentMatch = 'all' | 'any';

/** A group of conditions: all (AND) or any (OR) of them. Groups do not nest further. */
export interface SegmentGroup {
  match: SegmentMatch;
  conditions: SegmentCondition[];
}

/** The top level: all/any of conditions and groups (AND/OR one level deep). */
export interface SegmentDefinition {
  match: SegmentMatch;
  conditions: Array<SegmentCondition | SegmentGroup>;
}

export const CONDITION_TYPES = [
  'orderedWithinDays',
  'notOrderedWithinDays',
  'ordersAtLeast',
  'spentAtLeast',
  'boughtItem',
  'boughtCategory',
  'lastStatus',
  'subscribedSince',
  'timezone',
  'country',
  'hasTag',
  'lacksTag',
] as const;

const MAX_CONDITIONS = 20;
const MAX_DAYS = 3650;
const MAX_AMOUNT = 1e15;

type Fields = Record<string, (value: unknown, field: string, problems: FieldProblem[]) => unknown>;

const wholeNumber =
  (min: number, max: number) =>
  (value: unknown, field: string, problems: FieldProblem[]): unknown => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      problems.push({ field, rule: 'isInt', message: `${field} must be a whole number from ${min} to ${max}` });
    return value;
  };

const text =
  (max: number, normalise: (s: string) => string) =>
  (value: unknown, field: string, problems: FieldProblem[]): unknown => {
    const normalised = typeof value === 'string' ? normalise(value) : '';
    if (typeof value !== 'string' || normalised.length === 0 || value.length > max)
      problems.push({ field, rule: 'isString', message: `${field} must be a non-empty text of at most ${max} characters` });
    return normalised;
  };

/** A list of 1 to `max` values, each `one` (`an IANA time zone`): a bad entry is named by its index (`zones.1`). */
const list =
  <T>(max: number, each: (v: unknown) => v is T, one: string) =>
  (value: unknown, field: string, problems: FieldProblem[]): unknown => {
    if (!Array.isArray(value) || value.length === 0 || value.length > max) {
      problems.push({ field, rule: 'isArray', message: `${field} must be a list of 1 to ${max} entries, each ${one}` });
      return value;
    }
    value.forEach((v: unknown, i) => {
      if (!each(v)) problems.push({ field: `${field}.${i}`, rule: 'isIn', message: `${field}.${i} must be ${one}` });
    });
    return [...new Set(value as unknown[])];
  };

const instant = (value: unknown, field: string, problems: FieldProblem[]): unknown => {
  const at = parseInstant(value);
  if (!at) problems.push({ field, rule: 'isInstant', message: `${field} must be an RFC 3339 instant with an offset` });
  return at ? at.toISOString() : value;
};

const normaliseTag = (s: string): string => s.trim().toLowerCase();

const FIELDS: Record<SegmentCondition['type'], Fields> = {
  orderedWithinDays: { days: wholeNumber(1, MAX_DAYS) },
  notOrderedWithinDays: { days: wholeNumber(1, MAX_DAYS) },
  ordersAtLeast: { count: wholeNumber(1, 1_000_000) },
  spentAtLeast: { amount: wholeNumber(0, MAX_AMOUNT) },
  boughtItem: { name: text(200, normalisePurchase) },
  boughtCategory: { category: text(200, normalisePurchase) },
  lastStatus: {
    statuses: list(
      ORDER_STATUSES.length,
      (v): v is OrderStatus => ORDER_STATUSES.includes(v as OrderStatus),
      `an order status (${ORDER_STATUSES.join(', ')})`,
    ),
  },
  subscribedSince: { at: instant },
  timezone: { zones: list(50, (v): v is string => typeof v === 'string' && isValidTimeZone(v), 'an IANA time zone (Asia/Manila)') },
  country: { countries: list(50, isCountryCode, 'an ISO 3166-1 alpha-2 country code in upper case (PH, VN, …)') },
  hasTag: { tag: text(64, normaliseTag) },
  lacksTag: { tag: text(64, normaliseTag) },
};

/** Tags are stored and matched lower-case, without surrounding spaces. */
export { normaliseTag };

/**
 * Checks a segment definition strictly and returns it normalised (tags and item names lower-cased,
 * instants in UTC), or every problem with its field path under `path` (e.g. `segment.conditions.1.days`).
 */
export function checkSegmentDefinition(input: unknown, path: string): { definition: SegmentDefinition } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const top = checkGroup(input, path, problems, true);
  return problems.length > 0 || !top ? { problems } : { definition: top as SegmentDefinition };
}

/** checkSegmentDefinition's problems only (none for a good definition), for the DTOs' IsSegmentDefinition. */
export function segmentProblems(input: unknown, path: string): FieldProblem[] {
  const checked = checkSegmentDefinition(input, path);
  return 'problems' in checked ? checked.problems : [];
}

function checkGroup(input: unknown, path: string, problems: FieldProblem[], top: boolean): SegmentGroup | SegmentDefinition | undefined {
  if (!isObject(input)) {
    problems.push({ field: path, rule: 'isObject', message: `${path} must be an object {match, conditions}` });
    return undefined;
  }
  unknownKeys(input, ['match', 'conditions'], path, problems);
  if (input.match !== 'all' && input.match !== 'any')
    problems.push({ field: `${path}.match`, rule: 'isIn', message: `${path}.match must be 'all' (AND) or 'any' (OR)` });
  const conditions = input.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0 || conditions.length > MAX_CONDITIONS) {
    problems.push({
      field: `${path}.conditions`,
      rule: 'isArray',
      message: `${path}.conditions must be a list of 1 to ${MAX_CONDITIONS} conditions`,
    });
    return undefined;
  }
  const checked = conditions.map((c: unknown, i) => {
    const at = `${path}.conditions.${i}`;
    if (isObject(c) && 'match' in c) {
      if (!top) {
        problems.push({ field: at, rule: 'maxDepth', message: `${at}: groups nest one level deep only` });
        return undefined;
      }
      return checkGroup(c, at, problems, false);
    }
    return checkCondition(c, at, problems);
  });
  return { match: input.match as SegmentMatch, conditions: checked as SegmentCondition[] };
}

function checkCondition(input: unknown, path: string, problems: FieldProblem[]): SegmentCondition | undefined {
  if (!isObject(input) || typeof input.type !== 'string' || !(input.type in FIELDS)) {
    problems.push({ field: `${path}.type`, rule: 'isIn', message: `${path}.type must be one of ${CONDITION_TYPES.join(', ')}` });
    return undefined;
  }
  const fields = FIELDS[input.type as SegmentCondition['type']];
  unknownKeys(input, ['type', ...Object.keys(fields)], path, problems);
  const out: Record<string, unknown> = { type: input.type };
  for (const [name, check] of Object.entries(fields)) out[name] = check(input[name], `${path}.${name}`, problems);
  return out as SegmentCondition;
}

function unknownKeys(input: Record<string, unknown>, allowed: string[], path: string, problems: FieldProblem[]): void {
  for (const key of Object.keys(input))
    if (!allowed.includes(key))
      problems.push({ field: `${path}.${key}`, rule: 'whitelist', message: `${path}.${key} is not a known field` });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
