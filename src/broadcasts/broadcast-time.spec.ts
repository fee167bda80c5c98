import { earliestLocalInstant, isValidTimeZone, nextPeriodStart, periodStart, zonedTimeToUtc } from './broadcast-time';

describe('broadcast time', () => {
  it('finds the instant a zone shows a local time, across offsets and DST', () => {
    expect(zonedTimeToUtc('2026-06-02', '09:00', 'Asia/Manila').toISOString()).toBe('2026-06-02T01:00:00.000Z');
    expect(zonedTimeToUtc('2026-06-02', '09:00', 'America/New_York').toISOString()).toBe('2026-06-02T13:00:00.000Z');
    expect(zonedTimeToUtc('2026-01-02', '09:00', 'America/New_York').toISOString()).toBe('2026-01-02T14:00:00.000Z');
    expect(zonedTimeToUtc('2026-06-02', '09:00', 'UTC').toISOString()).toBe('2026-06-02T09:00:00.000Z');
  });

  it('starts a local-time campaign when the first zone reaches the time', () => {
    expect(earliestLocalInstant('2026-06-02', '09:00').toISOString()).toBe('2026-06-01T19:00:00.000Z');
  });

  it('refuses zones that do not exist', () => {
    expect(isValidTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('aligns periods to the epoch: 24 h periods are UTC days, 48 h periods pairs of them', () => {
    const at = new Date('2026-06-01T17:30:00Z');
    expect(periodStart(at, 24).toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(nextPeriodStart(at, 24).toISOString()).toBe('2026-06-02T00:00:00.000Z');
    expect(nextPeriodStart(at, 48).getTime() - periodStart(at, 48).getTime()).toBe(48 * 3_600_000);
  });
});
