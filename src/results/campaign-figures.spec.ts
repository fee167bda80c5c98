import { utcOffsets } from './campaign-figures.service';

describe('UTC offsets of a Page zone (day buckets)', () => {
  it("find New York's spring-forward minute, and one constant offset for Manila", () => {
    const from = Date.parse('2026-03-07T00:00:00Z');
    const to = Date.parse('2026-03-10T00:00:00Z');
    expect(utcOffsets(from, to, 'America/New_York')).toEqual([
      { from: new Date(0), minutes: -300 },
      { from: new Date('2026-03-08T07:00:00Z'), minutes: -240 },
    ]);
    expect(utcOffsets(from, to, 'Asia/Manila')).toEqual([{ from: new Date(0), minutes: 480 }]);
    expect(utcOffsets(from, to, 'Asia/Kathmandu')).toEqual([{ from: new Date(0), minutes: 345 }]);
  });
});
