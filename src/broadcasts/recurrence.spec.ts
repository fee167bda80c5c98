import { checkRecurrenceRule, firstOccurrenceWhere, nextOccurrence } from './recurrence';

describe('campaign recurrence (RFC 5545 through rrule)', () => {
  it('finds the next June 1st of a yearly rule, on or after the start and strictly after a given date', () => {
    const rule = 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1';
    expect(nextOccurrence(rule, '2026-06-01', undefined)).toBe('2026-06-01');
    expect(nextOccurrence(rule, '2026-06-02', undefined)).toBe('2027-06-01');
    expect(nextOccurrence(rule, '2026-06-01', '2026-06-01')).toBe('2027-06-01');
  });

  it('walks weekly days and stops when COUNT is used up', () => {
    expect(nextOccurrence('FREQ=WEEKLY;BYDAY=MO,FR', '2026-06-02', undefined)).toBe('2026-06-05');
    expect(nextOccurrence('FREQ=WEEKLY;BYDAY=MO,FR', '2026-06-02', '2026-06-05')).toBe('2026-06-08');
    expect(nextOccurrence('FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2', '2026-06-01', '2026-07-15')).toBeUndefined();
  });

  it('skips dates that may not be used any more', () => {
    expect(firstOccurrenceWhere('FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1', '2026-01-01', undefined, (d) => d < '2026-06-02')).toEqual({
      date: '2027-06-01',
      skipped: ['2026-06-01'],
    });
  });

  it('refuses a rule that is not RFC 5545, repeats daily, names a time, or has no date, naming the field', () => {
    for (const bad of ['hello', 'FREQ=DAILY', 'FREQ=YEARLY;BYHOUR=9', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30']) {
      const result = checkRecurrenceRule(bad, '2026-06-01', 'rule');
      expect(result).toEqual({ problems: [expect.objectContaining({ field: 'rule', rule: 'isRRule' })] });
    }
    expect(checkRecurrenceRule('RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1', '2026-06-01', 'rule')).toEqual({
      rule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1',
    });
  });

  // Each of these reached rrule before: a TypeError (BYDAY=XX), a throw (BYSETPOS=400), or a rule that never
  // matches (BYMONTH=13, INTERVAL=0), told as "no date (e.g. February 30th)".
  it.each([
    ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY=XX: each day must be MO, TU'],
    ['FREQ=WEEKLY;BYDAY=MO,XX', 'BYDAY=MO,XX: each day must be'],
    ['FREQ=MONTHLY;BYDAY=60MO', 'BYDAY=60MO: each day must be'],
    ['FREQ=WEEKLY;BYDAY=', '"BYDAY=" is not a NAME=VALUE part'],
    ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH=13: each value must be from 1 to 12'],
    ['FREQ=YEARLY;BYMONTH=0', 'BYMONTH=0: each value must be from 1 to 12'],
    ['FREQ=MONTHLY;BYMONTHDAY=40', 'BYMONTHDAY=40: each value must be from 1 to 31 or -31 to -1'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', 'BYMONTHDAY=0: each value must be from 1 to 31'],
    ['FREQ=WEEKLY;INTERVAL=0', 'INTERVAL=0: must be a whole number of 1 or more'],
    ['FREQ=WEEKLY;INTERVAL=-2', 'INTERVAL=-2: must be a whole number of 1 or more'],
    ['FREQ=WEEKLY;COUNT=0', 'COUNT=0: must be a whole number of 1 or more'],
    ['FREQ=WEEKLY;COUNT=1.5', 'COUNT=1.5: must be a whole number of 1 or more'],
    ['FREQ=WEEKLY;UNTIL=garbage', 'UNTIL=GARBAGE: must be a date (YYYYMMDD)'],
    ['FREQ=WEEKLY;UNTIL=20270230', 'UNTIL=20270230: must be a date (YYYYMMDD)'],
    ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400', 'BYSETPOS=400: each value must be from 1 to 366 or -366 to -1'],
    ['FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS: needs another BY… part'],
    ['FREQ=YEARLY;BYWEEKNO=60', 'BYWEEKNO=60: each value must be from 1 to 53'],
    ['FREQ=YEARLY;BYYEARDAY=400', 'BYYEARDAY=400: each value must be from 1 to 366'],
    ['FREQ=WEEKLY;WKST=XX', 'WKST=XX: must be MO, TU'],
    ['FREQ=WEEKLY;FOO=1', 'FOO: not an RFC 5545 rule part'],
    ['FREQ=WEEKLY;BYEASTER=1', 'BYEASTER: not an RFC 5545 rule part'],
    ['FREQ=WEEKLY;DTSTART=20260601', 'DTSTART: not an RFC 5545 rule part'],
    ['FREQ=WEEKLY;FREQ=MONTHLY', 'FREQ: given twice'],
    ['FREQ=WEEKLY;;BYDAY=MO', 'has an empty part (;;)'],
    ['BYDAY=MO', 'FREQ: required'],
    ['FREQ=WEEKLY;COUNT=3;UNTIL=20270101', 'COUNT and UNTIL: only one of them may be given'],
    ['FREQ=WEEKLY;BYDAY=1MO', 'BYDAY=1MO: a day with an ordinal (1MO, -1FR) needs FREQ=MONTHLY or YEARLY'],
    ['FREQ=WEEKLY;BYMONTHDAY=1', 'BYMONTHDAY: cannot go with FREQ=WEEKLY'],
    ['FREQ=MONTHLY;BYYEARDAY=1', 'BYYEARDAY: cannot go with FREQ=MONTHLY'],
    ['FREQ=MONTHLY;BYWEEKNO=1', 'BYWEEKNO: needs FREQ=YEARLY'],
    ['FREQ=WEEKLY;UNTIL=20260101', 'rule has no date on or after 2026-06-01'],
  ])('refuses %s, naming the part that is wrong', (bad, message) => {
    expect(checkRecurrenceRule(bad, '2026-06-01', 'rule')).toEqual({
      problems: [{ field: 'rule', rule: 'isRRule', message: expect.stringContaining(message) }],
    });
  });

  it('reads names and values in any case (RFC 5545), and takes ordinals, negative days and UNTIL within range', () => {
    expect(checkRecurrenceRule('freq=weekly;byday=mo,fr', '2026-06-01', 'rule')).toEqual({ rule: 'FREQ=WEEKLY;BYDAY=MO,FR' });
    for (const good of [
      'FREQ=MONTHLY;BYDAY=-1FR',
      'FREQ=MONTHLY;BYDAY=+2TU',
      'FREQ=MONTHLY;BYMONTHDAY=-1',
      'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;WKST=SU',
      'FREQ=WEEKLY;UNTIL=20261231',
      'FREQ=WEEKLY;UNTIL=20261231T235959Z',
      'FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO',
    ])
      expect(checkRecurrenceRule(good, '2026-06-01', 'rule')).toEqual({ rule: good });
    expect(nextOccurrence('FREQ=MONTHLY;BYDAY=-1FR', '2026-06-01', undefined)).toBe('2026-06-26');
  });
});
