import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Redirect codes of tracked links: `<delivery id>.<link index>.<mac>` (ids in base 36), the mac being
 * the first 96 bits of HMAC-SHA256(campaign link secret, "<delivery id>:<link index>") in base64url.
 * The code names its delivery and link without a row per link, and cannot be guessed or altered to
 * count a click for someone else: forging one needs the campaign's secret (2^96 tries otherwise).
 */
export interface LinkRef {
  deliveryId: string;
  linkIndex: number;
}

const CODE = /^([0-9a-z]{1,13})\.([0-9a-z]{1,2})\.([A-Za-z0-9_-]{16})$/;

/** A new random secret for a campaign's link codes (32 bytes, hex). */
export const newLinkSecret = (): string => randomBytes(32).toString('hex');

const mac = (secret: string, ref: LinkRef): string =>
  createHmac('sha256', secret).update(`${ref.deliveryId}:${ref.linkIndex}`).digest('base64url').slice(0, 16);

/** The code for one delivery's link. `deliveryId` is the delivery row's decimal id. */
export function linkCode(secret: string, ref: LinkRef): string {
  return `${BigInt(ref.deliveryId).toString(36)}.${ref.linkIndex.toString(36)}.${mac(secret, ref)}`;
}

/** Reads a code's delivery and link, not yet verified (the secret is the delivery's campaign's); undefined if malformed. */
export function parseLinkCode(code: string): (LinkRef & { mac: string }) | undefined {
  const m = CODE.exec(code);
  if (!m) return undefined;
  let id = 0n;
  for (const ch of m[1]!) id = id * 36n + BigInt(parseInt(ch, 36));
  return { deliveryId: id.toString(), linkIndex: parseInt(m[2]!, 36), mac: m[3]! };
}

/** Whether the parsed code was made with this secret (constant-time compare). */
export function verifyLinkCode(secret: string, parsed: LinkRef & { mac: string }): boolean {
  const expected = Buffer.from(mac(secret, parsed));
  const given = Buffer.from(parsed.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
