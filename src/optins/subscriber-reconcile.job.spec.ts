import { reconcileDueDate } from './subscriber-reconcile.job';

describe('nightly reconcile time', () => {
  it("runs at 03:30 in the Page's own zone, not 03:30 UTC", () => {
    // 03:30 in Manila is 19:30 UTC the day before.
    expect(reconcileDueDate(new Date('2026-06-01T19:29:00Z'), 'Asia/Manila', '2026-06-01')).toBeNull();
    expect(reconcileDueDate(new Date('2026-06-01T19:30:00Z'), 'Asia/Manila', '2026-06-01')).toBe('2026-06-02');
    // 03:30 UTC is 11:30 in Manila: long past, and already done that local day.
    expect(reconcileDueDate(new Date('2026-06-02T03:30:00Z'), 'Asia/Manila', '2026-06-02')).toBeNull();
    // Ho Chi Minh City: 03:30 is 20:30 UTC.
    expect(reconcileDueDate(new Date('2026-06-01T20:29:00Z'), 'Asia/Ho_Chi_Minh', '2026-06-01')).toBeNull();
    expect(reconcileDueDate(new Date('2026-06-01T20:30:00Z'), 'Asia/Ho_Chi_Minh', '2026-06-01')).toBe('2026-06-02');
  });

  it('runs a Page never reconciled as soon as its local 03:30 has passed, and survives an unknown zone (UTC)', () => {
    expect(reconcileDueDate(new Date('2026-06-02T02:00:00Z'), 'Asia/Manila', null)).toBe('2026-06-02');
    expect(reconcileDueDate(new Date('2026-06-02T03:29:00Z'), 'Mars/Olympus', null)).toBeNull();
    expect(reconcileDueDate(new Date('2026-06-02T03:30:00Z'), 'Mars/Olympus', null)).toBe('2026-06-02');
  });
});
