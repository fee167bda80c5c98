/**
 * Reading Meta's enum values. Meta's own pages spell the same value differently (the opt-in reference
 * renders `STOP NOTIFICATIONS`, integrations match `STOP_NOTIFICATIONS`), so the separator and the case
 * are presentation and the words are the value: `normaliseMetaEnum` upper-cases and joins the words with
 * `_`. A value whose words are not known is `undefined`: the caller changes nothing and reports it.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_optins
 */

/** `stop notifications`, `Stop-Notifications`, ` STOP_NOTIFICATIONS ` → `STOP_NOTIFICATIONS`. */
export function normaliseMetaEnum(value: string): string {
  return value
    .trim()
    .split(/[\s_-]+/)
    .filter((word) => word !== '')
    .join('_')
    .toUpperCase();
}

/** The known value `value` spells (see normaliseMetaEnum), or undefined for anything else (absent included). */
export function readMetaEnum<T extends string>(value: unknown, known: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  // Meta's usual spelling is the listed one: found without normalising anything.
  const exact = known.find((candidate) => candidate === value);
  if (exact !== undefined) return exact;
  const normalised = normaliseMetaEnum(value);
  return known.find((candidate) => normaliseMetaEnum(candidate) === normalised);
}
