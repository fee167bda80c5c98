import { currencyExponent, formatMoney, fromMetaUnits, isCurrencyCode, isMetaCurrency, mainUnitsToMinor, toMetaUnits } from './money';
import { canonicalLocale } from './locale';

// Node's ICU separates some signs with a no-break space (U+00A0), never a plain space: the strings
// below spell it out so that a test cannot pass by accident with an ordinary space.
const NBSP = '\u00a0';

describe('formatMoney: minor units written the shop’s way (Node ICU)', () => {
  it.each([
    ['vi-VN', 'VND', 1250000, `1.250.000${NBSP}₫`],
    ['vi-VN', 'VND', 99000, `99.000${NBSP}₫`],
    ['en-PH', 'PHP', 125000, '₱1,250.00'],
    ['en-PH', 'PHP', 125050, '₱1,250.50'],
    ['fil-PH', 'PHP', 125000, '₱1,250.00'],
    ['fil-PH', 'PHP', 99, '₱0.99'],
    ['en-US', 'USD', 125000, '$1,250.00'],
    ['en-US', 'USD', 1999, '$19.99'],
    ['ja-JP', 'JPY', 1250, '￥1,250'],
    ['en-US', 'BHD', 1234, `BHD${NBSP}1.234`],
    // A VND total on an English Page: ICU's en-PH way, still no decimals.
    ['en-PH', 'VND', 1250000, '₫1,250,000'],
    // A PHP order on a Vietnamese Page: Vietnamese separators, two decimals.
    ['vi-VN', 'PHP', 125050, `1.250,50${NBSP}PHP`],
  ])('%s %s %d → %s', (locale, currency, minor, expected) => {
    expect(formatMoney(minor, { locale, currency })).toBe(expected);
  });

  it('never hides a fraction the amount has, where ICU would print whole units (IDR)', () => {
    expect(formatMoney(1250000, { locale: 'id-ID', currency: 'IDR' })).toBe(`Rp${NBSP}12.500`);
    expect(formatMoney(1250050, { locale: 'id-ID', currency: 'IDR' })).toBe(`Rp${NBSP}12.500,5`);
  });
});

describe('ISO 4217 codes and exponents', () => {
  it('accepts current codes in capitals only', () => {
    expect(['PHP', 'VND', 'USD', 'JPY', 'BHD'].filter(isCurrencyCode)).toEqual(['PHP', 'VND', 'USD', 'JPY', 'BHD']);
    expect(['php', 'Vnd', 'ABC', 'XAU', 'XXX', 'PH', 'PHPP', 125, null].filter(isCurrencyCode)).toEqual([]);
  });

  it('knows the zero-, two- and three-decimal currencies', () => {
    expect(['VND', 'JPY', 'KRW', 'PHP', 'USD', 'IDR', 'BHD', 'KWD'].map(currencyExponent)).toEqual([0, 0, 0, 2, 2, 2, 3, 3]);
  });

  it('accepts as a Page currency only what Meta lists for ad accounts', () => {
    expect(['PHP', 'VND', 'USD', 'HUF'].filter(isMetaCurrency)).toEqual(['PHP', 'VND', 'USD', 'HUF']);
    expect(['KWD', 'BIF', 'php'].filter(isMetaCurrency)).toEqual([]);
  });
});

describe("Meta's currency offset (https://developers.facebook.com/docs/marketing-api/currencies)", () => {
  it('is the same as minor units for PHP, VND and USD', () => {
    expect([toMetaUnits(50000, 'PHP'), toMetaUnits(500000, 'VND'), toMetaUnits(1999, 'USD')]).toEqual([50000, 500000, 1999]);
    expect([fromMetaUnits(50000, 'PHP'), fromMetaUnits(500000, 'VND')]).toEqual([50000, 500000]);
  });

  it('converts where Meta and ISO differ, and refuses what Meta cannot hold exactly', () => {
    expect(toMetaUnits(500000, 'HUF')).toBe(5000); // 5 000 Ft: ISO counts fillér, Meta whole forints
    expect(toMetaUnits(500050, 'HUF')).toBeUndefined();
    expect(fromMetaUnits(5000, 'IDR')).toBe(500000);
    expect(toMetaUnits(12340, 'BHD')).toBe(1234); // 12.340 BD: ISO counts fils (3), Meta hundredths
    expect(toMetaUnits(12345, 'BHD')).toBeUndefined();
    expect(() => toMetaUnits(100, 'KWD')).toThrow(RangeError);
  });

  it("reads the Insights API's main-unit decimals as minor units", () => {
    expect(mainUnitsToMinor(31.4, 'PHP')).toBe(3140);
    expect(mainUnitsToMinor(0.0114, 'USD')).toBe(1.14);
    expect(mainUnitsToMinor(15000, 'VND')).toBe(15000);
  });
});

describe('canonicalLocale (BCP 47)', () => {
  it('canonicalises tags ICU can format for and refuses the rest', () => {
    expect(['vi-VN', 'vi-vn', 'EN-ph', 'fil-PH', 'en-US'].map(canonicalLocale)).toEqual(['vi-VN', 'vi-VN', 'en-PH', 'fil-PH', 'en-US']);
    expect(['en_PH', 'xx-YY', '', 'a'.repeat(40), 42].map(canonicalLocale)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
