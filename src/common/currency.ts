/**
 * Currencies as both the API and the console read them: ISO 4217 exponents, Meta's ad-account currencies
 * and how an amount in minor units is written. Dependency-free, so the console (a browser bundle) imports
 * this very file: Intl's own digits (CLDR's usual ones) differ from ISO 4217 for COP, HUF, IDR and PKR,
 * and a console that trusted Intl would send and show those amounts 100 times off.
 */

/**
 * ISO 4217 exponents that are not 2; every other current code has 2. Source: ISO 4217 Table A.1 (maintained
 * by SIX, https://www.six-group.com/en/products-services/financial-information/data-standards.html).
 */
// prettier-ignore
const EXPONENT_NOT_TWO: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** ISO 4217 exponent of a current currency code: 0 for VND, 2 for PHP, 3 for BHD. */
export function currencyExponent(currency: string): number {
  return EXPONENT_NOT_TWO[currency] ?? 2;
}

/**
 * Meta's Marketing API "offset" per ad-account currency: how many of Meta's integer units make one
 * main unit in budgets, bids and costs. Transcribed (current ISO codes only) from
 * https://developers.facebook.com/docs/marketing-api/currencies. It equals 10^exponent except for
 * COP, CRC, HUF, IDR, TWD (ISO 2, Meta 1) and BHD, JOD (ISO 3, Meta 100).
 */
// prettier-ignore
export const META_OFFSET: Readonly<Record<string, 1 | 100>> = {
  CLP: 1, COP: 1, CRC: 1, HUF: 1, IDR: 1, ISK: 1, JPY: 1, KRW: 1, PYG: 1, TWD: 1, VND: 1,
  AED: 100, ARS: 100, AUD: 100, BDT: 100, BGN: 100, BHD: 100, BOB: 100, BRL: 100, CAD: 100, CHF: 100, CNY: 100,
  CZK: 100, DKK: 100, DZD: 100, EGP: 100, EUR: 100, GBP: 100, GTQ: 100, HKD: 100, HNL: 100, ILS: 100, INR: 100,
  JOD: 100, KES: 100, MOP: 100, MXN: 100, MYR: 100, NGN: 100, NIO: 100, NOK: 100, NZD: 100, PEN: 100, PHP: 100,
  PKR: 100, PLN: 100, QAR: 100, RON: 100, RSD: 100, RUB: 100, SAR: 100, SEK: 100, SGD: 100, THB: 100, TRY: 100,
  UAH: 100, USD: 100, UYU: 100, VES: 100, ZAR: 100,
};

/**
 * A currency an ad account can have at Meta (and so a Page's `currency`), in capitals (`PHP`, not `php`):
 * a code of META_OFFSET, each of which is a current ISO 4217 currency.
 */
export function isMetaCurrency(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && META_OFFSET[value] !== undefined;
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
