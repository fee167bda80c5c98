import {
  addDays,
  isValidLocalDate,
  isValidTimeZone,
  localDateOf,
  localTimeOf,
  startOfLocalDay,
  startOfNextLocalDay,
  wallTimeToInstant,
} from './local-time';

const utc = (date: string, time: string, zone: string): string => wallTimeToInstant(date, time, zone).toISOString();

describe('local time (Luxon)', () => {
  it('finds the instant of a wall time in zones without daylight saving', () => {
    expect(utc('2026-06-02', '09:00', 'Asia/Manila')).toBe('2026-06-02T01:00:00.000Z');
    expect(utc('2026-01-02', '09:00', 'Asia/Manila')).toBe('2026-01-02T01:00:00.000Z');
    expect(utc('2026-06-02', '09:00', 'Asia/Ho_Chi_Minh')).toBe('2026-06-02T02:00:00.000Z');
    expect(utc('2026-06-02', '00:00', 'Asia/Ho_Chi_Minh')).toBe('2026-06-01T17:00:00.000Z');
    expect(utc('2026-06-02', '09:00', 'UTC')).toBe('2026-06-02T09:00:00.000Z');
    expect(utc('2026-06-02', '09:00', 'Pacific/Kiritimati')).toBe('2026-06-01T19:00:00.000Z');
  });

  it('follows summer and winter time away from the transitions', () => {
    expect(utc('2026-06-02', '09:00', 'America/New_York')).toBe('2026-06-02T13:00:00.000Z');
    expect(utc('2026-01-02', '09:00', 'America/New_York')).toBe('2026-01-02T14:00:00.000Z');
    expect(utc('2026-06-02', '09:00', 'Australia/Sydney')).toBe('2026-06-01T23:00:00.000Z');
    expect(utc('2026-01-02', '09:00', 'Australia/Sydney')).toBe('2026-01-01T22:00:00.000Z');
  });

  it('sends a wall time inside a daylight-saving gap at the first valid instant after it (the jump)', () => {
    // New York springs forward 2026-03-08 02:00 EST → 03:00 EDT (07:00 UTC).
    expect(utc('2026-03-08', '02:30', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(utc('2026-03-08', '02:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(utc('2026-03-08', '03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
    expect(utc('2026-03-08', '01:59', 'America/New_York')).toBe('2026-03-08T06:59:00.000Z');
    // London: 2026-03-29 01:00 GMT → 02:00 BST (01:00 UTC).
    expect(utc('2026-03-29', '01:30', 'Europe/London')).toBe('2026-03-29T01:00:00.000Z');
    // Sydney: 2026-10-04 02:00 AEST → 03:00 AEDT (16:00 UTC the day before).
    expect(utc('2026-10-04', '02:30', 'Australia/Sydney')).toBe('2026-10-03T16:00:00.000Z');
    // Santiago springs forward at midnight: the day begins at 01:00.
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });

  it('sends a wall time inside an overlap at its first occurrence', () => {
    // New York falls back 2026-11-01 02:00 EDT → 01:00 EST: 01:30 happens at 05:30 and 06:30 UTC.
    expect(utc('2026-11-01', '01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
    expect(utc('2026-11-01', '01:00', 'America/New_York')).toBe('2026-11-01T05:00:00.000Z');
    expect(utc('2026-11-01', '02:00', 'America/New_York')).toBe('2026-11-01T07:00:00.000Z');
    // London falls back 2026-10-25 02:00 BST → 01:00 GMT: 01:30 happens at 00:30 and 01:30 UTC.
    expect(utc('2026-10-25', '01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z');
    // Sydney falls back 2026-04-05 03:00 AEDT → 02:00 AEST: 02:30 happens at 15:30 and 16:30 UTC (Apr 4).
    expect(utc('2026-04-05', '02:30', 'Australia/Sydney')).toBe('2026-04-04T15:30:00.000Z');
  });

  it('reads the local date and time of an instant, and where local days begin', () => {
    const at = new Date('2026-06-01T23:41:00Z');
    expect(localDateOf(at, 'Asia/Manila')).toBe('2026-06-02');
    expect(localTimeOf(at, 'Asia/Manila')).toBe('07:41');
    expect(localDateOf(at, 'America/Los_Angeles')).toBe('2026-06-01');
    expect(localDateOf(at, 'UTC')).toBe('2026-06-01');
    expect(startOfNextLocalDay(at, 'Asia/Manila').toISOString()).toBe('2026-06-02T16:00:00.000Z');
    expect(startOfNextLocalDay(at, 'America/Los_Angeles').toISOString()).toBe('2026-06-02T07:00:00.000Z');
    // The day New York springs forward is 23 hours long, the day it falls back 25.
    expect(
      startOfNextLocalDay(new Date('2026-03-08T12:00:00Z'), 'America/New_York').getTime() -
        startOfLocalDay('2026-03-08', 'America/New_York').getTime(),
    ).toBe(23 * 3_600_000);
    expect(
      startOfNextLocalDay(new Date('2026-11-01T12:00:00Z'), 'America/New_York').getTime() -
        startOfLocalDay('2026-11-01', 'America/New_York').getTime(),
    ).toBe(25 * 3_600_000);
  });

  it('does calendar arithmetic and checks dates and zones', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 2)).toBe('2027-01-02');
    expect(isValidLocalDate('2026-02-28')).toBe(true);
    expect(isValidLocalDate('2026-02-30')).toBe(false);
    expect(isValidLocalDate('2026-2-3')).toBe(false);
    for (const zone of ['Asia/Manila', 'Asia/Ho_Chi_Minh', 'America/Los_Angeles', 'UTC']) expect(isValidTimeZone(zone)).toBe(true);
    for (const zone of ['Mars/Olympus', '+08:00', 'UTC+8', '']) expect(isValidTimeZone(zone)).toBe(false);
  });
});
