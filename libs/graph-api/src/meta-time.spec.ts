import { parseMetaTime } from './meta-time';

describe('parseMetaTime', () => {
  it('reads Unix seconds as seconds: the opt-in expiry 1830297600 is 2028-01-01, not a day in 1970', () => {
    expect(parseMetaTime(1830297600)).toEqual(new Date('2028-01-01T00:00:00Z'));
  });

  it('reads milliseconds as milliseconds, and numeric strings like numbers', () => {
    expect(parseMetaTime(1458692752478)).toEqual(new Date(1458692752478));
    expect(parseMetaTime('1458692752478')).toEqual(new Date(1458692752478));
    expect(parseMetaTime('1527459824')).toEqual(new Date(1527459824_000));
    expect(parseMetaTime(' 1830297600 ')).toEqual(new Date('2028-01-01T00:00:00Z'));
    expect(parseMetaTime(1830297600.5)).toEqual(new Date(1830297600_500));
  });

  it('puts the cut-off at 10^12: just below is seconds, from it on milliseconds', () => {
    expect(parseMetaTime(253_402_300_799)).toEqual(new Date('9999-12-31T23:59:59Z'));
    expect(parseMetaTime(999_999_999_999)).toBeUndefined(); // seconds, but past the year 9999
    expect(parseMetaTime(1_000_000_000_000)).toEqual(new Date('2001-09-09T01:46:40Z'));
  });

  it.each([undefined, null, '', '  ', 'soon', 'TIMESTAMP', '2028-01-01', '-5', '1e12', '0x10', 0, -1, NaN, Infinity, 1e20, {}, [], true])(
    'answers undefined, never an Invalid Date, for %p',
    (value) => {
      expect(parseMetaTime(value)).toBeUndefined();
    },
  );
});
