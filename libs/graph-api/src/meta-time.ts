/**
 * The one reader of Meta's time values, for webhooks and Graph answers alike.
 *
 * Meta's references show the same fields as numbers and as quoted strings (the opt-in webhook's
 * `"timestamp": "TIMESTAMP"`, the postback example's `"timestamp": "1527459824"`), in milliseconds
 * (`timestamp`, `watermark`, `entry.time`) and in Unix seconds (`token_expiry_timestamp` is "a unix
 * timestamp", `next_eligible_time`, the postback example):
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
 *
 * Cut-off: a value below 10^12 is seconds, from 10^12 on it is milliseconds. 10^12 seconds is the year
 * 33658, and 10^12 milliseconds is 2001-09-09, before Messenger existed: no real Meta time falls on the
 * wrong side of it.
 */

/** 10^12: below it a value is Unix seconds, from it on Unix milliseconds. */
export const META_SECONDS_BELOW = 1e12;
/** The last instant a DATETIME column (and a JavaScript Date) can hold: 9999-12-31T23:59:59.999Z. */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Digits with an optional fraction (Meta sends no signs, exponents or separators). */
const NUMERIC = /^\d+(\.\d+)?$/;

/**
 * A Meta time value as a Date: a finite positive number or a numeric string (surrounding spaces
 * allowed), in Unix seconds or milliseconds (see META_SECONDS_BELOW). Anything else (absent, empty,
 * `"soon"`, an ISO date, 0, negative, past the year 9999) is `undefined`, never an Invalid Date: the
 * caller leaves the field out and says so in its log.
 */
export function parseMetaTime(value: unknown): Date | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && NUMERIC.test(value.trim())) n = Number(value.trim());
  else return undefined;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms = Math.round(n < META_SECONDS_BELOW ? n * 1000 : n);
  return ms <= LATEST_MS ? new Date(ms) : undefined;
}
