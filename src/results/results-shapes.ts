/**
 * The shapes of the results API's answers, as the services build them and the console reads them
 * (console/src/results-api.ts imports them type-only). This file imports nothing, so the console's type
 * check and bundle read it without the server around it; the DTO classes in dto/ document the same
 * shapes for OpenAPI. Every amount is an integer in its currency's minor unit (ISO 4217).
 */

export const AB_METRICS = ['click_rate', 'order_rate'] as const;
/** click_rate: recipients who clicked / messages sent; order_rate: attributed orders / messages sent. */
export type AbMetric = (typeof AB_METRICS)[number];

/** One content's figures in an A/B test. */
export interface AbVariantFigures {
  /** 0 = A (the campaign's own content), 1 = B, 2 = C. */
  variant: number;
  sent: number;
  clicked: number;
  orders: number;
  clickRate: number;
  orderRate: number;
}

/** A campaign's A/B test (GET …/campaigns/:id/ab-test); `Content` is how the reader types the B and C contents. */
export interface AbTest<Content = unknown> {
  variants: Content[];
  testSharePercent: number;
  testDurationMinutes: number;
  metric: AbMetric;
  /** ISO 8601 instants, null until they happen. */
  splitAt: string | null;
  decideAfter: string | null;
  winner: number | null;
  decidedAt: string | null;
  /** The figures the decision was made on. */
  decision: AbVariantFigures[] | null;
  figures: AbVariantFigures[];
}

/** Per link of a campaign: where it goes and how often it was followed. */
export interface LinkClicks {
  /** The A/B variant whose content holds the link (0: the campaign's own content, 1 = B, 2 = C). */
  variant: number;
  index: number;
  at: string;
  /** Null: a card's default action. */
  title: string | null;
  url: string;
  /** Recipients who clicked it at least once. */
  clickers: number;
  /** Every click, repeats included. */
  clicks: number;
}

/** A campaign's negative feedback: opt-outs within a day of its messages. */
export interface OptOutFigures {
  sent: number;
  /** Subscriptions stopped (a STOP, or Meta's 2300034 on a send: how a block or stop shows) within 24 h after their message. */
  stops: number;
  /** Subscriptions unsubscribed (by the shop, at the customer's request) within 24 h after their message. */
  unsubscribes: number;
  /** (stops + unsubscribes) / sent, a fraction (0.03 = 3 %); 0 when nothing was sent. */
  rate: number;
}

/** What one campaign (or one occurrence) sent and earned. Amounts in minor units. */
export interface SendResults {
  sent: number;
  delivered: number;
  read: number;
  /** Recipients who clicked (a tracked link, or Meta's click webhook). */
  clicked: number;
  /** Attributed orders, canceled and returned ones left out. */
  orders: number;
  /** Sum of their totals in the shop's currency. */
  revenue: number;
  /** Attributed orders in another currency (counted in `orders`, not in `revenue`). */
  ordersInOtherCurrencies: number;
  /** Meta's price per message × messages sent, in `costCurrency`. */
  cost: number;
  costCurrency: string;
  /** revenue / cost (2 decimals), when both are in one currency and the cost is not 0; else null. */
  revenuePerCost: number | null;
}

/** One occurrence of a series in its results. */
export interface OccurrenceResults extends SendResults {
  campaignId: string;
  /** The series' date it is (YYYY-MM-DD). */
  date: string;
  status: string;
}

/** What a campaign earned and how it was received (GET …/campaigns/:id/results). Amounts in minor units. */
export interface CampaignResults {
  campaignId: string;
  sent: number;
  delivered: number;
  read: number;
  clicked: number;
  links: LinkClicks[];
  attribution: Omit<SendResults, 'sent' | 'delivered' | 'read' | 'clicked'> & {
    revenueCurrency: string;
    deliveredWindowHours: number;
    clickWindowHours: number;
  };
  /** A series: each occurrence's results, newest date first (the totals above add them up); null otherwise. */
  occurrences: OccurrenceResults[] | null;
  optOuts: OptOutFigures & { thresholdPercent: number; minSent: number; pausedForRate: boolean };
  abTest: AbTest | null;
}

export type Bucket = 'hour' | 'day';

/** One bucket of a campaign's activity. Revenue in minor units of `revenueCurrency` (the shop's). */
export interface FigureBucket {
  /** The bucket's local label in the Page's zone: `2026-06-01` or `2026-06-01T09`. */
  local: string;
  /** The bucket's first instant (ISO 8601, UTC). */
  start: string;
  sends: number;
  reads: number;
  clicks: number;
  orders: number;
  revenue: number;
}

/** GET …/campaigns/:id/figures: a campaign's activity over time. */
export interface CampaignFigures {
  bucket: Bucket;
  /** The Page's IANA zone, in which the buckets are local hours or days. */
  timezone: string;
  revenueCurrency: string;
  buckets: FigureBucket[];
}
