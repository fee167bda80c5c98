import { isMetaCurrency } from '../../src/common/currency';
import { toMinorUnits } from './money';

/** The code typed in the Currency field, trimmed and in capitals (`php` → `PHP`); undefined when empty. */
export function typedCurrency(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toUpperCase() : undefined;
}

/**
 * The currency a new Page's amounts are in: the one typed if Meta lists it, else, with none typed, the
 * API's default (the shop's currency when Meta lists it, else PHP: POST /pages). Undefined for a code Meta
 * does not list (the API names `currency`) or while the shop's currency is not known yet.
 */
export function pageCurrency(typed: unknown, shopCurrency: string | undefined): string | undefined {
  const code = typedCurrency(typed);
  if (code !== undefined) return isMetaCurrency(code) ? code : undefined;
  if (shopCurrency === undefined) return undefined;
  return isMetaCurrency(shopCurrency) ? shopCurrency : 'PHP';
}

/**
 * The Connect form's values as POST /pages takes them: empty fields left out, the currency in capitals, and
 * the price typed in the currency's main unit (₱0.90, Rp1,500) sent in its minor unit (90, 150000), as the
 * API holds every amount (ISO 4217 exponents, src/common/currency.ts).
 */
export function pageBody(values: Record<string, unknown>, shopCurrency: string | undefined): Record<string, unknown> {
  const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== '' && v !== null));
  const code = typedCurrency(body.currency);
  if (code !== undefined) body.currency = code;
  const currency = pageCurrency(body.currency, shopCurrency);
  if (typeof body.pricePerMessage === 'number' && currency) body.pricePerMessage = toMinorUnits(body.pricePerMessage, currency);
  return body;
}
