/**
 * Amounts as the API holds them (integers in the currency's minor unit, ISO 4217: VND 0 digits, PHP 2)
 * and as a person reads and types them (main units). Intl knows each currency's digits.
 */

/** The digits of the currency's minor unit: VND 0, PHP 2, BHD 3. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Formats an amount in minor units with the currency's own digits: 125050 PHP in en-PH is ₱1,250.50. */
export function money(amount: number, currency: string, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount / 10 ** currencyDigits(currency));
}

/** An amount typed in the main unit (₱1,250.50) as minor units (125050). */
export const toMinorUnits = (main: number, currency: string): number => Math.round(main * 10 ** currencyDigits(currency));

/** Minor units (125050 centavos) as the main-unit number a person reads and edits (1250.5). */
export const fromMinorUnits = (minor: number, currency: string): number => minor / 10 ** currencyDigits(currency);
