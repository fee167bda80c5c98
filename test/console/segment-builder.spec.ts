import dayjs from 'dayjs';
import {
  CONDITION_TYPES,
  CONDITIONS,
  definitionOf,
  formPathOf,
  formValuesOf,
  isComplete,
  type ConditionRow,
  type InputKind,
  type Row,
} from '../../console/src/screens/audience/conditions';
import { CONDITION_TYPES as API_CONDITION_TYPES, checkSegmentDefinition } from '../../src/audience/segment-definition';

// The console's condition builder (console/src/screens/audience) against the API's own check of a
// definition (src/audience/segment-definition.ts): what the console sends is what the API accepts.

/** A value of each kind of input as a shop owner would enter it. */
const ENTERED: Record<InputKind, unknown> = {
  days: 90,
  count: 2,
  money: 1_000_000,
  text: 'Áo dài lụa',
  orderStatuses: ['DELIVERED', 'SHIPPED'],
  date: dayjs('2026-05-01'),
  timeZones: ['Asia/Ho_Chi_Minh'],
  countries: ['PH', 'VN'],
};

const problemsOf = (definition: unknown) => {
  const checked = checkSegmentDefinition(definition, 'definition');
  return 'problems' in checked ? checked.problems : [];
};

/** The value at a form path (the one a field error is shown under). */
const at = (values: unknown, path: Array<string | number>): unknown =>
  path.reduce<unknown>((v, part) => (v as Record<string | number, unknown> | undefined)?.[part], values);

describe("The console's segment builder", () => {
  it('offers every condition type the API accepts, and none it does not', () => {
    expect([...CONDITION_TYPES].sort()).toEqual([...API_CONDITION_TYPES].sort());
  });

  it('builds, for every condition type, a condition the API accepts with the fields as entered', () => {
    const conditions: Row[] = CONDITION_TYPES.map((type) => ({
      type,
      ...Object.fromEntries(Object.entries(CONDITIONS[type]).map(([field, kind]) => [field, ENTERED[kind]])),
    }));
    expect(problemsOf(definitionOf({ match: 'any', conditions }, 'VND'))).toEqual([]);
  });

  it("sends an amount typed in the shop's main unit in minor units: ₫1,000,000 is 1000000, ₱1,250.50 is 125050", () => {
    const spent = (amount: number, currency: string) =>
      definitionOf({ match: 'all', conditions: [{ type: 'spentAtLeast', amount }] }, currency).conditions[0];
    expect(spent(1_000_000, 'VND')).toEqual({ type: 'spentAtLeast', amount: 1_000_000 });
    expect(spent(1250.5, 'PHP')).toEqual({ type: 'spentAtLeast', amount: 125050 });
    expect(spent(1.234, 'BHD')).toEqual({ type: 'spentAtLeast', amount: 1234 });
    // Read back for editing, in the main unit again.
    expect(formValuesOf({ match: 'all', conditions: [{ type: 'spentAtLeast', amount: 125050 }] }, 'PHP').conditions[0]).toEqual({
      type: 'spentAtLeast',
      amount: 1250.5,
    });
  });

  it('keeps all/any at both levels of "ordered in 90 days and (tagged vip or spent ≥ ₱500)", and reads it back the same', () => {
    const form = {
      match: 'all' as const,
      conditions: [
        { type: 'orderedWithinDays' as const, days: 90 },
        {
          type: 'group' as const,
          match: 'any' as const,
          conditions: [
            { type: 'hasTag' as const, tag: 'vip' },
            { type: 'spentAtLeast' as const, amount: 500 },
          ],
        },
      ],
    };
    const definition = definitionOf(form, 'PHP');
    expect(definition).toEqual({
      match: 'all',
      conditions: [
        { type: 'orderedWithinDays', days: 90 },
        {
          match: 'any',
          conditions: [
            { type: 'hasTag', tag: 'vip' },
            { type: 'spentAtLeast', amount: 50000 },
          ],
        },
      ],
    });
    expect(problemsOf(definition)).toEqual([]);
    expect(formValuesOf(definition, 'PHP')).toEqual(form);
  });

  it('sends "subscribed since" as the start of the chosen day, an instant the API takes', () => {
    const [since] = definitionOf(
      { match: 'all', conditions: [{ type: 'subscribedSince', at: dayjs('2026-05-01T15:30:00') }] },
      'VND',
    ).conditions;
    expect(since).toEqual({ type: 'subscribedSince', at: dayjs('2026-05-01T00:00:00').toISOString() });
    const back = formValuesOf({ match: 'all', conditions: [since!] }, 'VND').conditions[0] as ConditionRow;
    expect(dayjs.isDayjs(back.at) && back.at.format('YYYY-MM-DD')).toBe('2026-05-01');
  });

  it("shows each of the API's field errors under the input that holds the value it names", () => {
    const form = {
      match: 'all' as const,
      conditions: [
        { type: 'timezone' as const, zones: ['Asia/Hanoi'] },
        { type: 'group' as const, match: 'any' as const, conditions: [{ type: 'orderedWithinDays' as const, days: 5000 }] },
      ],
    };
    const problems = problemsOf(definitionOf(form, 'VND'));
    expect(problems.map((p) => p.field)).toEqual(['definition.conditions.0.zones.0', 'definition.conditions.1.conditions.0.days']);
    expect(problems.map((p) => at(form, formPathOf(p.field, 'definition')!))).toEqual([['Asia/Hanoi'], 5000]);
    // The live count names the same conditions under `segment`.
    expect(formPathOf('segment.conditions.1.conditions.0.days', 'segment')).toEqual(['conditions', 1, 'conditions', 0, 'days']);
    expect(formPathOf('segment.match', 'segment')).toEqual(['match']);
    expect(formPathOf('segment.conditions.5.conditions.0', 'segment')).toEqual(['conditions', 5, 'conditions', 0]);
    expect(formPathOf('topicId', 'segment')).toBeUndefined();
  });

  it('asks for a count only once every condition of every group is filled in', () => {
    expect(isComplete({ conditions: [] })).toBe(true);
    expect(isComplete({ conditions: [{ type: 'orderedWithinDays', days: 90 }] })).toBe(true);
    expect(isComplete({ conditions: [{ type: 'orderedWithinDays' }] })).toBe(false);
    expect(isComplete({ conditions: [{ type: 'lastStatus', statuses: [] }] })).toBe(false);
    expect(isComplete({ conditions: [{ type: 'group', match: 'any', conditions: [] }] })).toBe(false);
    expect(isComplete({ conditions: [{ type: 'group', match: 'any', conditions: [{ type: 'hasTag', tag: 'vip' }] }] })).toBe(true);
  });
});
