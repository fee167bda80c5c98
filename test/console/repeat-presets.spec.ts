import { nextDates, presetOf, ruleOf, type RepeatPreset } from '../../console/src/screens/recurring/recurrence';
import { checkRecurrenceRule, nextOccurrence } from '../../src/broadcasts/recurrence';

// The console's repeat presets (console/src/screens/recurring) against the API's reading of a rule
// (src/broadcasts/recurrence.ts): what the console sends is accepted, and the next dates it shows are the
// dates the server makes occurrences on.

const FROM = '2026-06-01';
const PRESETS: RepeatPreset[] = [
  { kind: 'yearly', month: 12, day: 24 },
  { kind: 'yearly', month: 2, day: 29 },
  { kind: 'monthly', day: 31 },
  { kind: 'monthly', day: -1 },
  { kind: 'weekly', weekdays: ['MO', 'FR'] },
];

/** The server's dates: each nextOccurrence after the one before. */
function serverDates(rule: string, from: string, count: number, after?: string): string[] {
  const dates: string[] = [];
  let date = nextOccurrence(rule, from, after);
  while (date !== undefined && dates.length < count) {
    dates.push(date);
    date = nextOccurrence(rule, from, date);
  }
  return dates;
}

describe("The console's repeat presets", () => {
  it.each(PRESETS)('%j is a rule the API accepts, read back as the same preset', (preset) => {
    const rule = ruleOf(preset);
    expect(checkRecurrenceRule(rule, FROM, 'rule')).toEqual({ rule });
    expect(presetOf(rule)).toEqual(preset);
  });

  it.each(PRESETS)('%j: the next dates shown are the dates the server makes occurrences on', (preset) => {
    const rule = ruleOf(preset);
    expect(nextDates(rule, FROM, 6)).toEqual(serverDates(rule, FROM, 6));
    expect(nextDates(rule, FROM, 3, '2026-12-24')).toEqual(serverDates(rule, FROM, 3, '2026-12-24'));
  });

  it('shows the right dates for the usual ones: 24 December every year, the last day of each month, Mondays and Fridays', () => {
    expect(nextDates(ruleOf({ kind: 'yearly', month: 12, day: 24 }), FROM, 2)).toEqual(['2026-12-24', '2027-12-24']);
    expect(nextDates(ruleOf({ kind: 'monthly', day: -1 }), FROM, 3)).toEqual(['2026-06-30', '2026-07-31', '2026-08-31']);
    expect(nextDates(ruleOf({ kind: 'weekly', weekdays: ['FR', 'MO'] }), FROM, 3)).toEqual(['2026-06-01', '2026-06-05', '2026-06-08']);
    // 29 February comes in leap years only.
    expect(nextDates(ruleOf({ kind: 'yearly', month: 2, day: 29 }), FROM, 2)).toEqual(['2028-02-29', '2032-02-29']);
  });

  it('30 February is refused by the API on `rule`, which the console shows under the day', () => {
    const rule = ruleOf({ kind: 'yearly', month: 2, day: 30 });
    expect(checkRecurrenceRule(rule, FROM, 'rule')).toEqual({ problems: [expect.objectContaining({ field: 'rule', rule: 'isRRule' })] });
    expect(nextDates(rule, FROM, 3)).toEqual([]);
  });

  it('does not take a rule of another shape for a preset (it is then shown as it is)', () => {
    expect(presetOf('FREQ=YEARLY;INTERVAL=2;BYMONTH=6;BYMONTHDAY=1')).toBeUndefined();
    expect(presetOf('FREQ=MONTHLY;BYDAY=1MO')).toBeUndefined();
    expect(presetOf('not a rule')).toBeUndefined();
  });
});
