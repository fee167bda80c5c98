import { parseInstant } from './validators';

describe('parseInstant', () => {
  it.each([
    ['2026-06-01T09:00:00+08:00', '2026-06-01T01:00:00.000Z'],
    ['2026-06-01T01:00:00Z', '2026-06-01T01:00:00.000Z'],
    ['2028-02-29T00:00:00.250Z', '2028-02-29T00:00:00.250Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
  ])('reads %s as %s', (given, utc) => {
    expect(parseInstant(given)?.toISOString()).toBe(utc);
  });

  it.each([
    ['a day that does not exist', '2027-02-30T10:00:00Z'],
    ['February 29 of a common year', '2027-02-29T10:00:00Z'],
    ['no offset (the server would guess the zone)', '2026-06-01T09:00:00'],
    ['a date only', '2026-06-01'],
    ['a UTC year past 9999 (wraps on SQLite, a 500 on MariaDB)', '9999-12-31T23:30:00-05:00'],
    ['a year before 1970', '1969-12-31T23:59:59Z'],
    ['year zero', '0000-01-01T00:00:00Z'],
    ['a number', 1780000000000],
  ])('refuses %s', (_, given) => {
    expect(parseInstant(given)).toBeUndefined();
  });
});
