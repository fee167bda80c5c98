import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Unix time (seconds) the request was signed at. */
export const TIMESTAMP_HEADER = 'x-marketing-messages-timestamp';
/** `v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the endpoint's secret>`. */
export const SIGNATURE_HEADER = 'x-marketing-messages-signature';
/** The envelope's `id`: a receiver deduplicates on it (a redelivery carries the same id). */
export const EVENT_ID_HEADER = 'x-marketing-messages-event-id';
export const EVENT_TYPE_HEADER = 'x-marketing-messages-event-type';
/** How far a receiver should accept a timestamp from its own clock (seconds), as Stripe's 5-minute default. */
export const DEFAULT_TOLERANCE_S = 300;

/** A new endpoint secret: `mmwhsec_` and 32 random bytes, base64url. Shown to the shop once, stored encrypted. */
export function newEndpointSecret(): string {
  return `mmwhsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The signature header's value for a body sent at `timestampS` (Unix seconds): `v1=` and the hex
 * HMAC-SHA256 (RFC 2104) of `<timestampS>.<rawBody>`, keyed with the whole secret string.
 */
export function signPayload(secret: string, timestampS: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampS}.${rawBody}`).digest('hex')}`;
}

/**
 * The receiver's check (README "Events out to the POS over HTTP"): the timestamp is within `toleranceS`
 * of `nowS` (a replayed request is refused once it is older) and the signature matches the raw body,
 * compared in constant time. Any header missing or malformed: false.
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  nowS: number,
  toleranceS = DEFAULT_TOLERANCE_S,
): boolean {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  const timestampS = Number(headers.timestamp);
  if (Math.abs(nowS - timestampS) > toleranceS) return false;
  const expected = Buffer.from(signPayload(secret, timestampS, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
