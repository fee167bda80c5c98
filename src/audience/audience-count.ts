import type { DataSource, EntityManager } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect';
import type { SegmentDefinition } from './segment-definition';
import { segmentPredicate, summaryDrivenSegment, type SqlPredicate } from './segment-sql';

/** No segment: the whole topic. */
export const WHOLE_TOPIC: SqlPredicate = { sql: '1 = 1', params: [] };

/**
 * A topic's audience at `at` as one predicate over `subscriptions`: active, token not expired at `at`, and
 * matching `segment` (segmentPredicate at the same `at`, or WHOLE_TOPIC). The one definition the campaign
 * estimate, the fan-out and `campaign.started` use; countAudience selects the same rows.
 */
export function audienceWhere(topicId: string, segment: SqlPredicate, at: Date, dialect: SqlDialect): SqlPredicate {
  const live = liveAt(at, dialect);
  return {
    sql: `subscriptions.topic_id = ? AND ${live.sql} AND ${segment.sql}`,
    params: [topicId, ...live.params, ...segment.params],
  };
}

/** A subscription counted at `at`: active, its token not expired. Columns qualified, for queries that join. */
function liveAt(at: Date, dialect: SqlDialect): SqlPredicate {
  return {
    sql: "subscriptions.status = 'active' AND (subscriptions.token_expires_at IS NULL OR subscriptions.token_expires_at > ?)",
    params: [dialect.time(at)],
  };
}

/** One SQL COUNT of the subscriptions matching `where`, through the caller's transaction when given one. */
export async function countWhere(source: DataSource | EntityManager, where: SqlPredicate): Promise<number> {
  return count(source, { sql: `SELECT COUNT(*) AS n FROM subscriptions WHERE ${where.sql}`, params: where.params });
}

/** Which table an audience count walks: the topic's subscribers, or the Page's order summaries. */
export type AudienceCountPlan = 'subscribers' | 'summaries';

/**
 * The topic's active subscribers (status active, token not expired at `at`) that match the segment (all
 * of them for null): one SQL COUNT that reads indexes only (migration 1764000028000).
 *
 * On MySQL/MariaDB the plugin picks the side to walk, then pins it with STRAIGHT_JOIN and FORCE INDEX:
 * - `subscribers`: the topic's index entries, each looked up in the summaries (and tags) by primary key;
 * - `summaries`: when the segment ANDs order conditions, only the Page's summary index entries in range
 *   (every match has one), each looked up in the subscriptions by (page_id, psid, topic_id).
 * Each costs about one lookup per entry walked (see cheaperFromSummaries for which wins when). MariaDB's
 * optimizer, left to itself, took a non-covering key after ANALYZE and was 5 to 10 times slower on the
 * bench's million subscribers.
 * SQLite walks the topic (no estimates to choose by; small shops). `plan` forces a side (tests compare them).
 */
export async function countAudience(
  dataSource: DataSource,
  topicId: string,
  definition: SegmentDefinition | null,
  at: Date,
  plan?: AudienceCountPlan,
): Promise<number> {
  const dialect = new SqlDialect(dataSource);
  const live = liveAt(at, dialect);
  const driven = dialect.isMysql && definition ? summaryDrivenSegment(definition, at, dialect) : undefined;
  if (driven && plan !== 'subscribers') {
    const [topic] = (await dataSource.query('SELECT page_id FROM topics WHERE id = ?', [topicId])) as Array<{ page_id: string }>;
    if (!topic) return 0;
    const fromSummaries: SqlPredicate = {
      sql: `SELECT COUNT(*) AS n FROM customer_order_summaries cos FORCE INDEX (ix_summaries_audience)
              STRAIGHT_JOIN subscriptions FORCE INDEX (ix_subscriptions_customer_audience)
                ON subscriptions.page_id = cos.page_id AND subscriptions.psid = cos.psid AND subscriptions.topic_id = ?
             WHERE cos.page_id = ? AND ${driven.summary.sql} AND ${live.sql} AND ${driven.rest.sql}`,
      params: [topicId, topic.page_id, ...driven.summary.params, ...live.params, ...driven.rest.params],
    };
    if (plan === 'summaries' || (await cheaperFromSummaries(dataSource, topicId, topic.page_id, driven.range)))
      return count(dataSource, fromSummaries);
  }
  const where = audienceWhere(topicId, definition ? segmentPredicate(definition, at, dialect) : WHOLE_TOPIC, at, dialect);
  const topicIndex = dialect.isMysql ? ' FORCE INDEX (ix_subscriptions_audience)' : '';
  return count(dataSource, { sql: `SELECT COUNT(*) AS n FROM subscriptions${topicIndex} WHERE ${where.sql}`, params: where.params });
}

/**
 * True when walking the summaries is clearly cheaper: only with an "ordered within N days" condition (a
 * range of ix_summaries_audience; without one the walk reads all the Page's summaries, and a probe into
 * the wide subscription index costs about two summary primary-key lookups: measured 6.4 s against 4.6 s),
 * and when the range holds under half as many entries as the server estimates the topic's subscribers.
 * The range is counted exactly, from the index, and no further than that half (at most 0.2 s for the
 * bench's 148,000 entries); InnoDB's estimate of a range was off by two in either direction.
 */
async function cheaperFromSummaries(
  dataSource: DataSource,
  topicId: string,
  pageId: string,
  range: SqlPredicate | undefined,
): Promise<boolean> {
  if (!range) return false;
  const subscribers = await estimatedRows(dataSource, {
    sql: "SELECT 1 FROM subscriptions FORCE INDEX (ix_subscriptions_audience) WHERE topic_id = ? AND status = 'active'",
    params: [topicId],
  });
  const half = Math.floor(subscribers / 2);
  const inRange = await count(dataSource, {
    sql: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM customer_order_summaries cos FORCE INDEX (ix_summaries_audience)
            WHERE cos.page_id = ? AND ${range.sql} LIMIT ${half}) walked`,
    params: [pageId, ...range.params],
  });
  return inRange < half;
}

/** The server's estimate of the rows its plan walks for the single-table query (EXPLAIN's `rows`). */
async function estimatedRows(dataSource: DataSource, query: SqlPredicate): Promise<number> {
  const [row] = (await dataSource.query(`EXPLAIN ${query.sql}`, query.params)) as Array<{ rows: number | string | null }>;
  return Number(row?.rows ?? 0);
}

async function count(source: DataSource | EntityManager, query: SqlPredicate): Promise<number> {
  const [row] = (await source.query(query.sql, query.params)) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}
