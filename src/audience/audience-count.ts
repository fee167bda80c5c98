import type { DataSource } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect';
import type { SegmentDefinition } from './segment-definition';
import { segmentPredicate } from './segment-sql';

/**
 * The topic's active subscribers (status active, token not expired at `at`) that match the segment (all
 * of them for null): one SQL COUNT, the segment as EXISTS lookups on per-customer primary keys.
 */
export async function countAudience(
  dataSource: DataSource,
  topicId: string,
  definition: SegmentDefinition | null,
  at: Date,
): Promise<number> {
  const dialect = new SqlDialect(dataSource);
  const where = definition ? segmentPredicate(definition, at, dialect) : { sql: '1 = 1', params: [] };
  const [row] = (await dataSource.query(
    `SELECT COUNT(*) AS n FROM subscriptions
      WHERE topic_id = ? AND status = 'active' AND (token_expires_at IS NULL OR token_expires_at > ?) AND ${where.sql}`,
    [topicId, dialect.time(at), ...where.params],
  )) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}
