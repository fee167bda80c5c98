import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { fromMinorUnits, money, toMinorUnits } from '../../money';
import type { ApiCondition, ApiGroup, Match, SegmentDefinition } from './types';

/** How a condition's field is entered in the form, and so how it is converted to and from the API's value. */
export type InputKind = 'days' | 'count' | 'money' | 'text' | 'orderStatuses' | 'date' | 'timeZones' | 'countries';

/**
 * Every condition type the API accepts (src/audience/segment-definition.ts, which checks them), with its
 * fields and how each is entered. Another type (say `country: { countries: 'countries' }`) is one line here,
 * its texts under `audience.types`, `audience.describe` and `audience.fields` in the locales, and, only if
 * its field is entered in a new way, an InputKind (here, CONVERT and ConditionInput).
 */
export const CONDITIONS = {
  orderedWithinDays: { days: 'days' },
  notOrderedWithinDays: { days: 'days' },
  ordersAtLeast: { count: 'count' },
  spentAtLeast: { amount: 'money' },
  boughtItem: { name: 'text' },
  boughtCategory: { category: 'text' },
  lastStatus: { statuses: 'orderStatuses' },
  subscribedSince: { at: 'date' },
  timezone: { zones: 'timeZones' },
  country: { countries: 'countries' },
  hasTag: { tag: 'text' },
  lacksTag: { tag: 'text' },
} as const satisfies Record<string, Record<string, InputKind>>;

export type ConditionType = keyof typeof CONDITIONS;
export const CONDITION_TYPES = Object.keys(CONDITIONS) as ConditionType[];
export const fieldsOf = (type: ConditionType): Array<[string, InputKind]> => Object.entries(CONDITIONS[type]);

/** A condition as the form holds it: money in the main unit (1000000 ₫, 1250.5 ₱), dates as dayjs. */
export interface ConditionRow {
  type: ConditionType;
  [field: string]: unknown;
}
/** A group of conditions (all or any of them); groups do not nest further (the API's rule). */
export interface GroupRow {
  type: 'group';
  match: Match;
  conditions: ConditionRow[];
}
export type Row = ConditionRow | GroupRow;
export interface SegmentFormValues {
  name?: string;
  match: Match;
  conditions: Row[];
}

/** Form ⇄ API for one kind of input; `currency` is the shop's (order totals are in it). */
const CONVERT: Partial<Record<InputKind, { toApi(v: unknown, currency: string): unknown; toForm(v: unknown, currency: string): unknown }>> =
  {
    money: {
      toApi: (v, currency) => (typeof v === 'number' ? toMinorUnits(v, currency) : v),
      toForm: (v, currency) => (typeof v === 'number' ? fromMinorUnits(v, currency) : v),
    },
    // "Subscribed since 1 May": from the start of that day where the shop owner is.
    date: {
      toApi: (v) => (dayjs.isDayjs(v) ? v.startOf('day').toISOString() : v),
      toForm: (v) => (typeof v === 'string' ? dayjs(v) : v),
    },
  };

const isGroup = (row: Row | ApiCondition | ApiGroup): row is GroupRow | ApiGroup => 'match' in row || row.type === 'group';

function conditionToApi(row: ConditionRow, currency: string): ApiCondition {
  const out: ApiCondition = { type: row.type };
  // A row whose type is not chosen yet goes as it is: the API names its `type`.
  for (const [field, kind] of CONDITIONS[row.type] ? fieldsOf(row.type) : []) {
    const convert = CONVERT[kind];
    out[field] = convert ? convert.toApi(row[field], currency) : row[field];
  }
  return out;
}

function conditionToForm(condition: ApiCondition, currency: string): ConditionRow {
  const type = condition.type as ConditionType;
  const row: ConditionRow = { type };
  for (const [field, kind] of CONDITIONS[type] ? fieldsOf(type) : []) {
    const convert = CONVERT[kind];
    row[field] = convert ? convert.toForm(condition[field], currency) : condition[field];
  }
  return row;
}

/** The form's conditions as the API's definition (money to minor units of `currency`, dates to instants). */
export function definitionOf(values: Pick<SegmentFormValues, 'match' | 'conditions'>, currency: string): SegmentDefinition {
  return {
    match: values.match,
    conditions: (values.conditions ?? []).map((row) =>
      isGroup(row)
        ? { match: row.match, conditions: (row.conditions ?? []).map((c) => conditionToApi(c, currency)) }
        : conditionToApi(row, currency),
    ),
  };
}

/** A saved definition as form values (the inverse of definitionOf). */
export function formValuesOf(definition: SegmentDefinition, currency: string): Pick<SegmentFormValues, 'match' | 'conditions'> {
  return {
    match: definition.match,
    conditions: definition.conditions.map((c): Row =>
      isGroup(c)
        ? { type: 'group', match: c.match, conditions: c.conditions.map((x) => conditionToForm(x, currency)) }
        : conditionToForm(c, currency),
    ),
  };
}

const filled = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'number' && Number.isNaN(v));

/**
 * Whether every condition has a type and every field a value, so that a count means something (the
 * API, not this, says whether the values are right).
 */
export function isComplete(values: Pick<SegmentFormValues, 'conditions'>): boolean {
  const conditionDone = (row: ConditionRow | undefined): boolean =>
    !!row && row.type in CONDITIONS && fieldsOf(row.type).every(([field]) => filled(row[field]));
  return (values.conditions ?? []).every((row) =>
    row && isGroup(row) ? (row.conditions ?? []).length > 0 && row.conditions.every(conditionDone) : conditionDone(row),
  );
}

/** The fields entered as one input holding a list (time zones, countries, order statuses). */
const LIST_FIELDS = new Set(
  Object.values(CONDITIONS).flatMap((fields) =>
    Object.entries(fields).flatMap(([field, kind]) => (['orderStatuses', 'timeZones', 'countries'].includes(kind) ? [field] : [])),
  ),
);

/**
 * Where the API's field path of a definition (`definition.conditions.1.conditions.0.days` for a save,
 * `segment.…` for a count) is in the form: ['conditions', 1, 'conditions', 0, 'days']; undefined for another
 * field. A bad entry of a list (`….zones.2`) is shown on the list's one input (`zones`).
 */
export function formPathOf(apiField: string, prefix: 'definition' | 'segment'): Array<string | number> | undefined {
  if (!apiField.startsWith(`${prefix}.`)) return undefined;
  const path = apiField
    .slice(prefix.length + 1)
    .split('.')
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const [list, entry] = path.slice(-2);
  return typeof entry === 'number' && typeof list === 'string' && LIST_FIELDS.has(list) ? path.slice(0, -1) : path;
}

/** How dates and money read in the user's language. */
export interface Reading {
  currency: string;
  /** BCP 47, for numbers and dates. */
  locale: string;
}

function display(t: TFunction, kind: InputKind, value: unknown, reading: Reading): string {
  switch (kind) {
    case 'money':
      return typeof value === 'number' ? money(value, reading.currency, reading.locale) : '?';
    case 'date':
      return typeof value === 'string' ? new Intl.DateTimeFormat(reading.locale, { dateStyle: 'medium' }).format(new Date(value)) : '?';
    case 'orderStatuses':
      return Array.isArray(value) ? value.map((s: string) => t(`audience.orderStatus.${s}`, { defaultValue: s })).join(', ') : '?';
    case 'timeZones':
      return Array.isArray(value) ? value.join(', ') : '?';
    case 'countries':
      return Array.isArray(value) ? value.map((code: string) => countryName(code, reading.locale)).join(', ') : '?';
    case 'days':
    case 'count':
    case 'text':
      return String(value);
  }
}

/** A country's name in the reader's language ("Philippines", "Việt Nam"), or its code if the browser has none. */
export function countryName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** One condition in words: "ordered in the last 90 days". */
export function describeCondition(t: TFunction, condition: ApiCondition, reading: Reading): string {
  const type = condition.type as ConditionType;
  if (!CONDITIONS[type]) return condition.type;
  const values = Object.fromEntries(fieldsOf(type).map(([field, kind]) => [field, display(t, kind, condition[field], reading)]));
  return t(`audience.describe.${type}`, values);
}

/** The whole definition in words: "ordered in the last 90 days and (tagged vip or spent at least ₫1,000,000)". */
export function describeSegment(t: TFunction, definition: SegmentDefinition, reading: Reading): string {
  const join = (match: Match, parts: string[]) => parts.join(` ${t(match === 'all' ? 'audience.and' : 'audience.or')} `);
  return join(
    definition.match,
    definition.conditions.map((c) =>
      isGroup(c)
        ? `(${join(
            c.match,
            c.conditions.map((x) => describeCondition(t, x, reading)),
          )})`
        : describeCondition(t, c, reading),
    ),
  );
}
