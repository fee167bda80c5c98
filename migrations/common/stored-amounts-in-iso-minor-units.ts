import type { QueryRunner } from 'typeorm';

/**
 * Until migration 1764000012000 a Page's price per message and a campaign's budget, price, spend and
 * estimate were stored in Meta's integer unit for the ad account's currency (its "offset",
 * https://developers.facebook.com/docs/marketing-api/currencies); from then on in ISO 4217 minor
 * units. The two differ only for these currencies (Meta 1 per main unit where ISO has 2 decimals; Meta
 * 100 where ISO has 3), so only their rows are rescaled. Frozen here, not imported from src/, so the
 * migration keeps meaning what it meant when it was written.
 */
const RESCALE: ReadonlyArray<{ currencies: string[]; factor: number }> = [
  { currencies: ['COP', 'CRC', 'HUF', 'IDR', 'TWD'], factor: 100 },
  { currencies: ['BHD', 'JOD'], factor: 10 },
];

const ESTIMATE_AMOUNTS: ReadonlyArray<[string, string]> = [
  ['ours', 'pricePerMessage'],
  ['ours', 'cost'],
  ['meta', 'costLowerBound'],
  ['meta', 'costUpperBound'],
];

/** `up`: Meta units → minor units (multiply); `down`: back (divide). Dialect-neutral SQL. */
export async function rescaleStoredAmounts(q: QueryRunner, direction: 'up' | 'down'): Promise<void> {
  for (const { currencies, factor } of RESCALE) {
    const [op, f] = direction === 'up' ? ['*', factor] : ['/', factor];
    const inList = currencies.map(() => '?').join(', ');
    await q.query(`UPDATE pages SET price_per_message = price_per_message ${op} ${f} WHERE currency IN (${inList})`, currencies);
    await q.query(
      `UPDATE campaigns SET budget_amount = budget_amount ${op} ${f}, price_per_message = price_per_message ${op} ${f}, spend = spend ${op} ${f}
        WHERE currency IN (${inList})`,
      currencies,
    );
    const rows = (await q.query(
      `SELECT id, estimate FROM campaigns WHERE estimate IS NOT NULL AND currency IN (${inList})`,
      currencies,
    )) as Array<{
      id: string;
      estimate: string;
    }>;
    for (const row of rows) {
      const estimate = JSON.parse(row.estimate) as Record<string, Record<string, unknown> | undefined>;
      for (const [part, key] of ESTIMATE_AMOUNTS) {
        const value = estimate[part]?.[key];
        if (typeof value === 'number') estimate[part]![key] = direction === 'up' ? value * factor : value / factor;
      }
      await q.query('UPDATE campaigns SET estimate = ? WHERE id = ?', [JSON.stringify(estimate), row.id]);
    }
  }
}
