import type { DataSource } from 'typeorm';
import { SqlDialect } from '../database/sql-dialect';
import type { TopicCounts } from './dto/topic.dto';

export const noSubscribers = (): TopicCounts => ({ active: 0, stopped: 0, unsubscribed: 0, expired: 0, invalid: 0, unlisted: 0 });

/**
 * Subscriber counts per topic of a Page, in one grouped query. A token past its expiry counts as
 * expired whatever its status says (it stopped counting at that instant, job or no job).
 */
export async function countSubscribersByTopic(dataSource: DataSource, pageId: string, at: Date): Promise<Map<string, TopicCounts>> {
  const now = new SqlDialect(dataSource).time(at);
  const rows = (await dataSource.query(
    `SELECT topic_id,
       SUM(CASE WHEN status = 'active' AND (token_expires_at IS NULL OR token_expires_at > ?) THEN 1 ELSE 0 END) AS active,
       SUM(CASE WHEN status = 'active' AND token_expires_at <= ? THEN 1 ELSE 0 END) AS expired,
       SUM(CASE WHEN status = 'stopped' THEN 1 ELSE 0 END) AS stopped,
       SUM(CASE WHEN status = 'unsubscribed' THEN 1 ELSE 0 END) AS unsubscribed,
       SUM(CASE WHEN status = 'invalid' THEN 1 ELSE 0 END) AS invalid,
       SUM(CASE WHEN status = 'unlisted' THEN 1 ELSE 0 END) AS unlisted
     FROM subscriptions WHERE page_id = ? GROUP BY topic_id`,
    [now, now, pageId],
  )) as Array<Record<keyof TopicCounts | 'topic_id', string | number>>;
  return new Map(
    rows.map((r) => [
      String(r.topic_id),
      {
        active: Number(r.active),
        stopped: Number(r.stopped),
        unsubscribed: Number(r.unsubscribed),
        expired: Number(r.expired),
        invalid: Number(r.invalid),
        unlisted: Number(r.unlisted),
      },
    ]),
  );
}
