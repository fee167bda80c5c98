import { currencyExponent, formatMoney } from '../../src/common/currency';

/**
 * Amounts as the API holds them (integers in the currency's minor unit, ISO 4217: VND 0 digits, PHP 2)
 * and as a person reads and types them (main units). The digits are the API's own (src/common/currency.ts),
 * not Intl's: CLDR writes IDR, COP, HUF and PKR without decimals, ISO 4217 gives them two.
 */

/** The digits of the currency's minor unit: VND 0, PHP 2, BHD 3. */
export const currencyDigits = currencyExponent;

/** Formats an amount in minor units as the locale writes it: 125050 PHP in en-PH is ₱1,250.50 (the API's own formatting). */
export const money = (amount: number, currency: string, locale: string): string => formatMoney(amount, { locale, currency });

/** An amount typed in the main unit (₱1,250.50) as minor units (125050). */
export const toMinorUnits = (main: number, currency: string): number => Math.round(main * 10 ** currencyDigits(currency));

/** Minor units (125050 centavos) as the main-unit number a person reads and edits (1250.5). */
export const fromMinorUnits = (minor: number, currency: string): number => minor / 10 ** currencyDigits(currency);
