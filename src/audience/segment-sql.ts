import type { SqlDialect } from '../database/sql-dialect';
import { zonesOfCountries } from './countries';
import type { SegmentCondition, SegmentDefinition, SegmentGroup } from './segment-definition';

export interface SqlPredicate {
  sql: string;
  params: unknown[];
}

const DAY_MS = 86_400_000;

/** Correlates a per-customer table with the outer `subscriptions` row (its primary key starts with page_id, psid). */
const sameCustomer = (alias: string): string => `${alias}.page_id = subscriptions.page_id AND ${alias}.psid = subscriptions.psid`;

/**
 * The segment as one SQL boolean expression over the table `subscriptions` (referenced by that name), to
 * AND into a query on subscriptions: the audience count and the fan-out's `INSERT … SELECT` use the same one.
 * Per-customer data is reached by EXISTS on primary keys (customer_order_summaries, customer_tags,
 * customer_purchases: each starts with page_id, psid), so each subscriber costs a few index lookups and
 * the topic's index still drives the walk. Within an AND, the positive order conditions share one EXISTS
 * (one summary lookup). `now` is the moment "within N days" counts back from.
 */
export function segmentPredicate(definition: SegmentDefinition, now: Date, dialect: SqlDialect): SqlPredicate {
  return group(definition, now, dialect);
}

/**
 * The segment split for a count driven from the order summaries: `summary`, the positive order conditions
 * of the top-level AND as one predicate on alias `cos` (every match has a summary row passing it), and
 * `rest`, everything else as a predicate on `subscriptions`; `range`, an "ordered within N days" among
 * them (a range of ix_summaries_audience's last_order_at), if any. `summary AND rest` (rows joined on page_id,
 * psid) selects exactly what segmentPredicate selects. Undefined when the top level has no such
 * condition (an OR, or only other conditions): then the summaries cannot drive.
 */
export function summaryDrivenSegment(
  definition: SegmentDefinition,
  now: Date,
  dialect: SqlDialect,
): { summary: SqlPredicate; rest: SqlPredicate; range?: SqlPredicate } | undefined {
  if (definition.match !== 'all') return undefined;
  const { parts, summary } = split(definition, now, dialect);
  if (summary.length === 0) return undefined;
  const within = definition.conditions.find((c) => 'type' in c && c.type === 'orderedWithinDays');
  return {
    summary: and(summary),
    rest: parts.length > 0 ? and(parts) : { sql: '1 = 1', params: [] },
    ...(within && { range: summaryCondition(within as SegmentCondition, now, dialect) }),
  };
}

function group(g: SegmentDefinition | SegmentGroup, now: Date, d: SqlDialect): SqlPredicate {
  const { parts, summary } = split(g, now, d);
  if (summary.length > 0) parts.unshift(existsSummary(summary));
  const joiner = g.match === 'all' ? ' AND ' : ' OR ';
  return { sql: `(${parts.map((p) => p.sql).join(joiner)})`, params: parts.flatMap((p) => p.params) };
}

/** A group's conditions as predicates; in an AND, the positive order conditions apart (`summary`, alias `cos`). */
function split(g: SegmentDefinition | SegmentGroup, now: Date, d: SqlDialect): { parts: SqlPredicate[]; summary: SqlPredicate[] } {
  const parts: SqlPredicate[] = [];
  const summary: SqlPredicate[] = [];
  for (const c of g.conditions) {
    if ('match' in c) parts.push(group(c, now, d));
    else {
      const onSummary = summaryCondition(c, now, d);
      if (onSummary && g.match === 'all') summary.push(onSummary);
      else parts.push(onSummary ? existsSummary([onSummary]) : condition(c, now, d));
    }
  }
  return { parts, summary };
}

const and = (ps: SqlPredicate[]): SqlPredicate => ({ sql: `(${ps.map((p) => p.sql).join(' AND ')})`, params: ps.flatMap((p) => p.params) });

function existsSummary(conditions: SqlPredicate[]): SqlPredicate {
  return {
    sql: `EXISTS (SELECT 1 FROM customer_order_summaries cos WHERE ${sameCustomer('cos')} AND ${and(conditions).sql})`,
    params: and(conditions).params,
  };
}

/** A condition that holds only for a customer with a summary row, as a predicate on alias `cos`; else undefined. */
function summaryCondition(c: SegmentCondition, now: Date, d: SqlDialect): SqlPredicate | undefined {
  switch (c.type) {
    case 'orderedWithinDays':
      return { sql: 'cos.last_order_at >= ?', params: [d.time(new Date(now.getTime() - c.days * DAY_MS))] };
    case 'ordersAtLeast':
      return { sql: 'cos.orders_count >= ?', params: [c.count] };
    case 'spentAtLeast':
      return { sql: 'cos.total_spent >= ?', params: [c.amount] };
    case 'lastStatus':
      return { sql: `cos.last_status IN (${c.statuses.map(() => '?').join(', ')})`, params: c.statuses };
    case 'notOrderedWithinDays':
    case 'boughtItem':
    case 'boughtCategory':
    case 'subscribedSince':
    case 'timezone':
    case 'country':
    case 'hasTag':
    case 'lacksTag':
      return undefined;
  }
}

function condition(c: SegmentCondition, now: Date, d: SqlDialect): SqlPredicate {
  switch (c.type) {
    case 'orderedWithinDays':
    case 'ordersAtLeast':
    case 'spentAtLeast':
    case 'lastStatus':
      return existsSummary([summaryCondition(c, now, d)!]);
    case 'notOrderedWithinDays': {
      const inside = existsSummary([{ sql: 'cos.last_order_at >= ?', params: [d.time(new Date(now.getTime() - c.days * DAY_MS))] }]);
      return { sql: `NOT ${inside.sql}`, params: inside.params };
    }
    case 'boughtItem':
    case 'boughtCategory':
      return {
        sql: `EXISTS (SELECT 1 FROM customer_purchases cp WHERE ${sameCustomer('cp')} AND cp.kind = ? AND cp.value = ?)`,
        params: c.type === 'boughtItem' ? ['item', c.name] : ['category', c.category],
      };
    case 'subscribedSince':
      return { sql: 'subscriptions.opted_in_at >= ?', params: [d.time(new Date(c.at))] };
    case 'timezone':
      return { sql: `subscriptions.timezone IN (${c.zones.map(() => '?').join(', ')})`, params: c.zones };
    case 'country': {
      // Known only through the reported zone (countries.ts); a country no zone belongs to matches nobody.
      const zones = zonesOfCountries(c.countries);
      return zones.length === 0
        ? { sql: '1 = 0', params: [] }
        : { sql: `subscriptions.timezone IN (${zones.map(() => '?').join(', ')})`, params: zones };
    }
    case 'hasTag':
    case 'lacksTag': {
      const sql = `EXISTS (SELECT 1 FROM customer_tags ct WHERE ${sameCustomer('ct')} AND ct.tag = ?)`;
      return { sql: c.type === 'hasTag' ? sql : `NOT ${sql}`, params: [c.tag] };
    }
  }
}
