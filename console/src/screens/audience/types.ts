/**
 * The shapes of the audience routes (src/audience/dto/audience.dto.ts, src/audience/segment-definition.ts)
 * and the campaign fields for segments and series (src/broadcasts/dto/campaign.dto.ts), as the console uses them.
 */

/** One condition as the API takes it: `{type, …its fields}` (see CONDITIONS in ./conditions for each type's fields). */
export interface ApiCondition {
  type: string;
  [field: string]: unknown;
}
export type Match = 'all' | 'any';
export interface ApiGroup {
  match: Match;
  conditions: ApiCondition[];
}
/** `{match, conditions}`: conditions and groups of conditions, one level deep. */
export interface SegmentDefinition {
  match: Match;
  conditions: Array<ApiCondition | ApiGroup>;
}
export interface Segment {
  id: string;
  pageId: string;
  name: string;
  definition: SegmentDefinition;
  createdAt: string;
  updatedAt: string;
}
export interface AudienceCount {
  topicId: string;
  segmentId: string | null;
  /** The topic's active subscribers that match, counted by the database now. */
  count: number;
  at: string;
}
export interface Customer {
  pageId: string;
  psid: string;
  /** null before the POS sent an order event for this customer. */
  orders: {
    ordersCount: number;
    /** Minor units of `currency` (the shop's). */
    totalSpent: number;
    currency: string;
    firstOrderAt: string | null;
    lastOrderAt: string | null;
    lastOrderId: string | null;
    lastStatus: string | null;
  } | null;
  tags: string[];
}
export interface Shop {
  id: string;
  name: string;
  locale: string;
  /** ISO 4217: the currency of order totals, so of `spentAtLeast`. */
  currency: string;
}
export interface Recurrence {
  /** RFC 5545 RRULE, dates only (FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1). */
  rule: string;
  /** HH:mm */
  time: string;
  mode: 'local' | 'page';
  /** YYYY-MM-DD: the first date an occurrence may fall on. */
  from: string;
  fallbackTimezone: string | null;
}
/** The campaign fields of segments and series, which the Campaigns screen's own type leaves out. */
export interface AudienceFields {
  segmentId: string | null;
  segment: SegmentDefinition | null;
  recurrence: Recurrence | null;
  occurrence: { seriesId: string; date: string } | null;
}
