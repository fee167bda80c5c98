import { money } from '../../console/src/money';
import { pageBody, pageCurrency } from '../../console/src/page-body';
import { currencyExponent } from '../../src/common/currency';

// The console's Connect-a-Page form (console/src/page-body.ts): the price typed as a shop owner reads it,
// sent in the minor unit the API holds (ISO 4217 exponents, the API's own table).

describe('the price per message of a new Page', () => {
  const price = (currency: string | undefined, typed: number, shop = 'PHP') =>
    pageBody({ name: 'Shop', currency, pricePerMessage: typed }, shop);

  it('is sent in the minor unit of the currency typed', () => {
    expect(price('PHP', 1.2)).toMatchObject({ currency: 'PHP', pricePerMessage: 120 });
    expect(price('VND', 450)).toMatchObject({ currency: 'VND', pricePerMessage: 450 });
    expect(price('USD', 0.29)).toMatchObject({ currency: 'USD', pricePerMessage: 29 });
  });

  it('uses ISO 4217 digits where Intl (CLDR) writes none: Rp1,500 is 150000 sen, not 1500', () => {
    for (const code of ['IDR', 'COP', 'HUF', 'PKR']) {
      expect(new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits).toBe(0);
      expect(currencyExponent(code)).toBe(2);
    }
    expect(price('IDR', 1500)).toMatchObject({ currency: 'IDR', pricePerMessage: 150_000 });
    expect(money(150_000, 'IDR', 'en-US')).toMatch(/^IDR\s1,500(\.00)?$/);
  });

  it('sends a lowercase code in capitals, and leaves a code Meta does not list for the API to name', () => {
    expect(price(' php ', 1)).toMatchObject({ currency: 'PHP', pricePerMessage: 100 });
    expect(price('XYZ', 1)).toMatchObject({ currency: 'XYZ', pricePerMessage: 1 });
    expect(pageCurrency('XYZ', 'PHP')).toBeUndefined();
  });

  it("with no currency typed, reads the price in the API's default: the shop's currency when Meta lists it, else PHP", () => {
    expect(price(undefined, 450, 'VND')).toEqual({ name: 'Shop', pricePerMessage: 450 });
    expect(price('', 1, 'PHP')).toEqual({ name: 'Shop', pricePerMessage: 100 });
    expect(pageCurrency(undefined, 'XAF')).toBe('PHP');
    expect(pageCurrency(undefined, undefined)).toBeUndefined();
  });
});
