import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SqlDialect } from '../../database/sql-dialect';
import type { Platform } from '../events/messenger-events';
import { Person } from './person.entity';

@Injectable()
export class PeopleService {
  private readonly dialect: SqlDialect;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Records that a person wrote to the Page at `at`. Idempotent and order-proof: a redelivered or late
   * webhook never moves the window backwards (GREATEST/MAX), so processing a row twice is harmless.
   */
  async recordInbound(pageId: string, psid: string, platform: Platform, at: Date): Promise<void> {
    const t = this.dialect.time(at);
    const sql = this.dialect.isMysql
      ? `INSERT INTO people (page_id, psid, platform, first_seen_at, last_inbound_at) VALUES (?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE first_seen_at = LEAST(first_seen_at, VALUES(first_seen_at)),
           last_inbound_at = GREATEST(COALESCE(last_inbound_at, VALUES(last_inbound_at)), VALUES(last_inbound_at))`
      : `INSERT INTO people (page_id, psid, platform, first_seen_at, last_inbound_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (page_id, psid) DO UPDATE SET first_seen_at = MIN(first_seen_at, excluded.first_seen_at),
           last_inbound_at = MAX(COALESCE(last_inbound_at, excluded.last_inbound_at), excluded.last_inbound_at)`;
    await this.dataSource.query(sql, [pageId, psid, platform, t, t]);
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
