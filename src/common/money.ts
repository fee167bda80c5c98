import { isISO4217CurrencyCode } from 'class-validator';

/**
 * The one money rule of the API: every amount (order totals and item prices, budgets, the price per
 * message, estimates, costs, spend) is an integer in the currency's MINOR unit, as ISO 4217 defines
 * it by the currency's exponent: VND and JPY have none (1 250 000 VND is 1250000), PHP and USD have
 * 2 (₱1,250.00 is 125000 centavos), BHD has 3. Where we talk to Meta, amounts are converted to
 * Meta's own per-currency "offset" (see META_OFFSET), which differs from ISO for a few currencies.
 *
 * Source of the exponents: ISO 4217 Table A.1 (maintained by SIX,
 * https://www.six-group.com/en/products-services/financial-information/data-standards.html).
 */
export const MINOR_UNITS_RULE =
  "integer, in the currency's minor unit per ISO 4217 (VND: đồng, exponent 0; PHP: centavos, exponent 2; USD: cents)";

/** ISO 4217 exponents that are not 2; every other current code has 2. */
// prettier-ignore
const EXPONENT_NOT_TWO: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Codes ISO 4217 lists with no minor unit at all ("N.A."): metals, SDR, test and no-currency codes. */
const NOT_MONEY = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/**
 * Meta's Marketing API "offset" per ad-account currency: how many of Meta's integer units make one
 * main unit in budgets, bids and costs. Transcribed (current ISO codes only) from
 * https://developers.facebook.com/docs/marketing-api/currencies. It equals 10^exponent except for
 * COP, CRC, HUF, IDR, TWD (ISO 2, Meta 1) and BHD, JOD (ISO 3, Meta 100).
 */
// prettier-ignore
const META_OFFSET: Readonly<Record<string, 1 | 100>> = {
  CLP: 1, COP: 1, CRC: 1, HUF: 1, IDR: 1, ISK: 1, JPY: 1, KRW: 1, PYG: 1, TWD: 1, VND: 1,
  AED: 100, ARS: 100, AUD: 100, BDT: 100, BGN: 100, BHD: 100, BOB: 100, BRL: 100, CAD: 100, CHF: 100, CNY: 100,
  CZK: 100, DKK: 100, DZD: 100, EGP: 100, EUR: 100, GBP: 100, GTQ: 100, HKD: 100, HNL: 100, ILS: 100, INR: 100,
  JOD: 100, KES: 100, MOP: 100, MXN: 100, MYR: 100, NGN: 100, NIO: 100, NOK: 100, NZD: 100, PEN: 100, PHP: 100,
  PKR: 100, PLN: 100, QAR: 100, RON: 100, RSD: 100, RUB: 100, SAR: 100, SEK: 100, SGD: 100, THB: 100, TRY: 100,
  UAH: 100, USD: 100, UYU: 100, VES: 100, ZAR: 100,
};

/**
 * A current ISO 4217 code of a currency with a minor-unit exponent, written in capitals
 * (`php` is refused: the code is case-sensitive here so that what is stored is what is shown).
 */
export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isISO4217CurrencyCode(value) && !NOT_MONEY.has(value);
}

/** A currency an ad account can have at Meta (and so a Page's `currency`), per Meta's table above. */
export function isMetaCurrency(value: unknown): value is string {
  return isCurrencyCode(value) && META_OFFSET[value] !== undefined;
}

/** ISO 4217 exponent of a code isCurrencyCode accepted: 0 for VND, 2 for PHP, 3 for BHD. */
export function currencyExponent(currency: string): number {
  return EXPONENT_NOT_TWO[currency] ?? 2;
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

/** How a shop writes money: a BCP 47 locale and the currency its amounts are in. */
export interface MoneyStyle {
  locale: string;
  currency: string;
}

// Building an Intl.NumberFormat loads ICU data and costs far more than formatting with it; there are
// only as many as locale × currency pairs in use.
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount in minor units as the locale writes it, with Node's ICU (`Intl.NumberFormat`):
 * 1250000 VND in vi-VN is `1.250.000 ₫` (a no-break space U+00A0 before the sign), 125000 PHP in
 * en-PH is `₱1,250.00`. The locale's usual number of decimals is kept (CLDR), but a fraction the
 * amount really has is never hidden (e.g. 150 IDR minor units, written by ICU without decimals).
 */
export function formatMoney(minor: number, style: MoneyStyle): string {
  const exponent = currencyExponent(style.currency);
  const key = `${style.locale}|${style.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    const usual = new Intl.NumberFormat(style.locale, { style: 'currency', currency: style.currency }).resolvedOptions();
    formatter = new Intl.NumberFormat(style.locale, {
      style: 'currency',
      currency: style.currency,
      minimumFractionDigits: usual.minimumFractionDigits,
      maximumFractionDigits: Math.max(usual.maximumFractionDigits ?? 0, exponent),
    });
    formatters.set(key, formatter);
  }
  return formatter.format(minor / 10 ** exponent);
}
