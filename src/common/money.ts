import { isISO4217CurrencyCode } from 'class-validator';
import { currencyExponent, META_OFFSET } from './currency';

export { currencyExponent, formatMoney, isMetaCurrency, type MoneyStyle } from './currency';

/**
 * The one money rule of the API: every amount (order totals and item prices, budgets, the price per
 * message, estimates, costs, spend) is an integer in the currency's MINOR unit, as ISO 4217 defines
 * it by the currency's exponent: VND and JPY have none (1 250 000 VND is 1250000), PHP and USD have
 * 2 (₱1,250.00 is 125000 centavos), BHD has 3. Where we talk to Meta, amounts are converted to
 * Meta's own per-currency "offset" (META_OFFSET in ./currency), which differs from ISO for a few currencies.
 * The exponents, with their source, are in ./currency, which the console imports too.
 */
export const MINOR_UNITS_RULE =
  "integer, in the currency's minor unit per ISO 4217 (VND: đồng, exponent 0; PHP: centavos, exponent 2; USD: cents)";

/** Codes ISO 4217 lists with no minor unit at all ("N.A."): metals, SDR, test and no-currency codes. */
const NOT_MONEY = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/**
 * A current ISO 4217 code of a currency with a minor-unit exponent, written in capitals
 * (`php` is refused: the code is case-sensitive here so that what is stored is what is shown).
 */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isISO4217CurrencyCode(value) && !NOT_MONEY.has(value);
}

/**
 * Minor units (our API's unit) to Meta's integer units for the ad account's currency, or undefined
 * when the amount has no exact equivalent (12 345 fillér of HUF: Meta counts whole forints). Throws
 * for a currency Meta does not list: Pages are validated against it, so that is a programming error.
 */
export function toMetaUnits(minor: number, currency: string): number | undefined {
  const { perMinor, perMeta } = metaRatio(currency);
  // minor × offset / 10^exponent, kept in integers: exact or refused, never rounded.
  const scaled = minor * perMinor;
  return scaled % perMeta === 0 ? scaled / perMeta : undefined;
}

/** How many minor units one of Meta's units is for the currency: 1 for PHP or VND, 100 for HUF, 10 for BHD. */
export function minorPerMetaUnit(currency: string): number {
  return fromMetaUnits(1, currency);
}

/** Meta's integer units (budgets, estimate costs) to minor units; always exact (Meta's unit is never finer). */
export function fromMetaUnits(metaUnits: number, currency: string): number {
  const { perMinor, perMeta } = metaRatio(currency);
  return (metaUnits * perMeta) / perMinor;
}

/**
 * A main-unit decimal as Meta's Insights API reports money (`"31.40"` PHP) to minor units (3140).
 * Averages such as a cost per delivered message may end up fractional; they are rounded to 1/100 of a minor unit.
 */
export function mainUnitsToMinor(main: number, currency: string): number {
  return Math.round(main * 10 ** currencyExponent(currency) * 100) / 100;
}

function metaRatio(currency: string): { perMinor: number; perMeta: number } {
  const offset = META_OFFSET[currency];
  if (offset === undefined) throw new RangeError(`${currency} is not an ad-account currency at Meta`);
  const minorPerMain = 10 ** currencyExponent(currency);
  // Reduced ratio, so that PHP, VND and USD (offset = 10^exponent) are 1:1.
  return offset >= minorPerMain ? { perMinor: offset / minorPerMain, perMeta: 1 } : { perMinor: 1, perMeta: minorPerMain / offset };
}
