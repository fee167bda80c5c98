import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { SqlDialect } from '../../database/sql-dialect';
import type { Platform } from '../events/messenger-events';
import { Person } from './person.entity';

@Injectable()
export class PeopleService {
  private readonly dialect: SqlDialect;

  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Records that people wrote to their Pages, each at their `at`, in one statement. Idempotent and
   * order-proof: a redelivered or late webhook never moves a window backwards (GREATEST/MAX), so
   * processing a delivery twice is harmless. Rows go in key order, so concurrent batches lock alike.
   */
  async recordInbound(inbound: Array<{ pageId: string; psid: string; platform: Platform; at: Date }>): Promise<void> {
    if (inbound.length === 0) return;
    const sorted = [...inbound].sort((a, b) => (a.pageId === b.pageId ? compare(a.psid, b.psid) : compare(a.pageId, b.pageId)));
    const values = sorted.map(() => '(?, ?, ?, ?, ?)').join(', ');
    const sql = this.dialect.isMysql
      ? `INSERT INTO people (page_id, psid, platform, first_seen_at, last_inbound_at) VALUES ${values}
         ON DUPLICATE KEY UPDATE first_seen_at = LEAST(first_seen_at, VALUES(first_seen_at)),
           last_inbound_at = GREATEST(COALESCE(last_inbound_at, VALUES(last_inbound_at)), VALUES(last_inbound_at))`
      : `INSERT INTO people (page_id, psid, platform, first_seen_at, last_inbound_at) VALUES ${values}
         ON CONFLICT (page_id, psid) DO UPDATE SET first_seen_at = MIN(first_seen_at, excluded.first_seen_at),
           last_inbound_at = MAX(COALESCE(last_inbound_at, excluded.last_inbound_at), excluded.last_inbound_at)`;
    await this.dataSource.query(
      sql,
      sorted.flatMap(({ pageId, psid, platform, at }) => [pageId, psid, platform, this.dialect.time(at), this.dialect.time(at)]),
    );
  }

  /** Records a person we learned of without them writing (an opt-in, an import): the window stays as it was. */
  async recordSeen(pageId: string, psid: string, platform: Platform, at: Date): Promise<void> {
    await this.dataSource.query(`${this.dialect.insertIgnore()} INTO people (page_id, psid, platform, first_seen_at) VALUES (?, ?, ?, ?)`, [
      pageId,
      psid,
      platform,
      this.dialect.time(at),
    ]);
  }

  find(pageId: string, psid: string): Promise<Person | null> {
    return this.dataSource.getRepository(Person).findOne({ where: { pageId, psid } });
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
