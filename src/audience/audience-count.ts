import type { DataSource, EntityManager } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect';
import type { SegmentDefinition } from './segment-definition';
import { segmentPredicate, type SqlPredicate } from './segment-sql';

/** No segment: the whole topic. */
export const WHOLE_TOPIC: SqlPredicate = { sql: '1 = 1', params: [] };

/**
 * A topic's audience at `at` as one predicate over `subscriptions`: active, token not expired at `at`, and
 * matching `segment` (segmentPredicate at the same `at`, or WHOLE_TOPIC). The one definition the audience
 * count, the campaign estimate, the fan-out and `campaign.started` all use; a count stays on the covering
 * index ix_subscriptions_audience (topic_id, status, page_id, psid, token_expires_at).
 */
export function audienceWhere(topicId: string, segment: SqlPredicate, at: Date, dialect: SqlDialect): SqlPredicate {
  return {
    sql: `topic_id = ? AND status = 'active' AND (token_expires_at IS NULL OR token_expires_at > ?) AND ${segment.sql}`,
    params: [topicId, dialect.time(at), ...segment.params],
  };
}

/** One SQL COUNT of the subscriptions matching `where`, through the caller's transaction when given one. */
export async function countWhere(source: DataSource | EntityManager, where: SqlPredicate): Promise<number> {
  const [row] = (await source.query(`SELECT COUNT(*) AS n FROM subscriptions WHERE ${where.sql}`, where.params)) as Array<{
    n: number | string;
  }>;
  return Number(row?.n ?? 0);
}

/**
 * The topic's active subscribers at `at` that match the segment (all of them for null): one SQL COUNT,
 * the segment as EXISTS lookups on per-customer primary keys.
 */
export function countAudience(dataSource: DataSource, topicId: string, definition: SegmentDefinition | null, at: Date): Promise<number> {
  const dialect = new SqlDialect(dataSource);
  const segment = definition ? segmentPredicate(definition, at, dialect) : WHOLE_TOPIC;
  return countWhere(dataSource, audienceWhere(topicId, segment, at, dialect));
}
