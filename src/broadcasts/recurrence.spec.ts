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
    expect(firstOccurrenceWhere('FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1', '2026-01-01', undefined, (d) => d < '2026-06-02')).toBe('2027-06-01');
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
});
