import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { SqlDialect } from '../../database/sql-dialect';
import { MessengerEvents, type UnrecognisedValueEvent } from '../events/messenger-events';
import { OnMessengerEvent } from '../events/on-messenger-event';

/** One kept value: where it came from, and when and how often it was seen. */
export interface UnrecognisedValueRow {
  field: string;
  value: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  count: number;
}

/** How many rows the inspection route shows (most recently seen first). */
const LIST_LIMIT = 200;
const MAX_TEXT = 100;

/**
 * Values Meta sent that we do not know (an enum in no known spelling, a time that cannot be read),
 * whose event changed nothing. Each is logged once per (Page, field, value) and kept in
 * `meta_unrecognised_values` for the shop to inspect; later sightings only count. The primary key
 * decides "first" across processes: the INSERT that wins is the one that logs.
 * Webhook values arrive as UnrecognisedValue events (see parseWebhook); Graph answers are reported by
 * their caller (the token import) under a field named after the endpoint.
 */
@Injectable()
export class UnrecognisedValues {
  private readonly logger = new Logger(UnrecognisedValues.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  @OnMessengerEvent(MessengerEvents.UnrecognisedValue)
  async onUnrecognisedValue(event: UnrecognisedValueEvent): Promise<void> {
    await this.record(event.pageId, event.field, event.value);
  }

  /** Records one sighting; `field` and `value` are cut to 100 characters (they never hold a token). */
  async record(pageId: string, field: string, value: string): Promise<void> {
    const key = [pageId, field.slice(0, MAX_TEXT), value.slice(0, MAX_TEXT)];
    const now = this.dialect.time(this.clock.now());
    const inserted = await SqlDialect.execute(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO meta_unrecognised_values (page_id, field, value, first_seen_at, last_seen_at, seen_count) VALUES (?, ?, ?, ?, ?, 1)`,
      [...key, now, now],
    );
    if (inserted === 1) {
      this.logger.warn({ msg: 'value from Meta not recognised: left as it was', pageId, field: key[1], value: key[2] });
      return;
    }
    await this.dataSource.query(
      `UPDATE meta_unrecognised_values SET seen_count = seen_count + 1, last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END
       WHERE page_id = ? AND field = ? AND value = ?`,
      [now, now, ...key],
    );
  }

  /** The Page's kept values, most recently seen first (at most 200). */
  async list(pageId: string): Promise<UnrecognisedValueRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT field, value, first_seen_at, last_seen_at, seen_count FROM meta_unrecognised_values WHERE page_id = ?
       ORDER BY last_seen_at DESC, field, value LIMIT ${LIST_LIMIT}`,
      [pageId],
    )) as Array<{ field: string; value: string; first_seen_at: unknown; last_seen_at: unknown; seen_count: number | string }>;
    return rows.map((r) => ({
      field: r.field,
      value: r.value,
      firstSeenAt: SqlDialect.parseTime(r.first_seen_at),
      lastSeenAt: SqlDialect.parseTime(r.last_seen_at),
      count: Number(r.seen_count),
    }));
  }
}
