/** Longest tag we store (BCP 47 allows more, but no locale a shop writes in needs it). */
export const MAX_LOCALE_LENGTH = 35;

/**
 * The canonical form of a BCP 47 language tag (RFC 5646, https://www.rfc-editor.org/rfc/rfc5646)
 * that Node's ICU can format numbers for (`vi-vn` → `vi-VN`, `fil-PH`, `en-PH`), or undefined for a
 * malformed tag (`en_PH`) or one ICU has no data for (`xx-YY`). Tags are case-insensitive, so a
 * lowercase one is canonicalised rather than refused.
 */
export function canonicalLocale(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > MAX_LOCALE_LENGTH) return undefined;
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined;
  }
  if (canonical === undefined) return undefined;
  return Intl.NumberFormat.supportedLocalesOf([canonical]).length === 1 ? canonical : undefined;
}
