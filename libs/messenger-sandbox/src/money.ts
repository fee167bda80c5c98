/** Currencies Meta counts in whole units (offset 1); all others have an offset of 100. */
const WHOLE_UNIT_CURRENCIES = new Set(['CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND']);

/**
 * Insights report money as Meta's Insights API does: a decimal string in the currency's main
 * unit, while budgets and prices are integers in its smallest unit.
 */
export function toMainUnitString(smallestUnits: number, currency: string): string {
  if (WHOLE_UNIT_CURRENCIES.has(currency.toUpperCase())) return String(Math.round(smallestUnits));
  return (smallestUnits / 100).toFixed(2);
}
