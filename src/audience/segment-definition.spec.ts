import { SqlDialect } from '../database/sql-dialect';
import { checkSegmentDefinition, type SegmentDefinition } from './segment-definition';
import { segmentPredicate } from './segment-sql';

describe('segment definitions', () => {
  it('normalises tags, item names and instants, and keeps one level of groups', () => {
    const result = checkSegmentDefinition(
      {
        match: 'any',
        conditions: [
          { type: 'hasTag', tag: ' VIP ' },
          {
            match: 'all',
            conditions: [
              { type: 'boughtItem', name: 'Blue Linen Dress' },
              { type: 'subscribedSince', at: '2026-06-01T09:00:00+08:00' },
            ],
          },
        ],
      },
      'segment',
    );
    expect(result).toEqual({
      definition: {
        match: 'any',
        conditions: [
          { type: 'hasTag', tag: 'vip' },
          {
            match: 'all',
            conditions: [
              { type: 'boughtItem', name: 'blue linen dress' },
              { type: 'subscribedSince', at: '2026-06-01T01:00:00.000Z' },
            ],
          },
        ],
      },
    });
  });

  it('names every faulty field, including unknown ones', () => {
    const result = checkSegmentDefinition(
      { match: 'all', conditions: [{ type: 'ordersAtLeast', count: 2, extra: 1 }], more: true },
      'definition',
    );
    expect('problems' in result && result.problems.map((p) => p.field)).toEqual(['definition.more', 'definition.conditions.0.extra']);
  });

  it('looks the summary up once for the order conditions of one AND', () => {
    const sqlite = { options: { type: 'better-sqlite3' } } as unknown as ConstructorParameters<typeof SqlDialect>[0];
    const definition: SegmentDefinition = {
      match: 'all',
      conditions: [
        { type: 'orderedWithinDays', days: 90 },
        { type: 'spentAtLeast', amount: 1_000_000 },
        { type: 'hasTag', tag: 'vip' },
      ],
    };
    const { sql, params } = segmentPredicate(definition, new Date('2026-06-01T00:00:00Z'), new SqlDialect(sqlite));
    expect(sql.match(/customer_order_summaries/g)).toHaveLength(1);
    expect(params).toEqual(['2026-03-03 00:00:00.000', 1_000_000, 'vip']);
  });

  it('reads a country as the zones it is the main country of: old aliases included, a shared zone for its main country only', () => {
    const sqlite = { options: { type: 'better-sqlite3' } } as unknown as ConstructorParameters<typeof SqlDialect>[0];
    const checked = checkSegmentDefinition({ match: 'all', conditions: [{ type: 'country', countries: ['VN', 'VN', 'TH'] }] }, 'segment');
    expect(checked).toEqual({ definition: { match: 'all', conditions: [{ type: 'country', countries: ['VN', 'TH'] }] } });
    const { params } = segmentPredicate((checked as { definition: SegmentDefinition }).definition, new Date(), new SqlDialect(sqlite));
    expect([...params].sort()).toEqual(['Asia/Bangkok', 'Asia/Ho_Chi_Minh', 'Asia/Saigon']);
    // Heard and McDonald Islands: a country, but no zone is theirs, so nobody is in it.
    const nobody = checkSegmentDefinition({ match: 'all', conditions: [{ type: 'country', countries: ['HM'] }] }, 'segment');
    expect(segmentPredicate((nobody as { definition: SegmentDefinition }).definition, new Date(), new SqlDialect(sqlite)).sql).toBe(
      '(1 = 0)',
    );
    const bad = checkSegmentDefinition({ match: 'all', conditions: [{ type: 'country', countries: ['ph', 'XX', 'PHL'] }] }, 'segment');
    expect('problems' in bad && bad.problems.map((p) => p.field)).toEqual(['segment.conditions.0.countries.0', 'segment.conditions.0.countries.1', 'segment.conditions.0.countries.2']);
  });
});
