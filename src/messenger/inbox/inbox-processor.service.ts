import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../common/app-config.provider';
import { Clock } from '../../common/clock';
import { requestContext } from '../../common/request-context';
import { TokenCipher } from '../../common/token-cipher';
import { inAmbientTransaction } from '../../database/ambient-transaction';
import { SqlDialect } from '../../database/sql-dialect';
import { MessengerEvents, type AnyMessengerEvent } from '../events/messenger-events';
import { parseWebhook } from '../events/parse-webhook';
import { PeopleService } from '../people/people.service';

const BATCH = 50;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const SWEEP_EVERY_MS = 5_000;
const SWEEP_BATCH = 500;
const KEEP_DONE_MS = 7 * 24 * 3600_000;

interface Claimed {
  id: string;
  body: string;
}

/**
 * Turns stored webhook deliveries into domain events, off the request path. Rows stored by this process
 * are queued at once; a sweep (at start and every few seconds) takes rows left pending by a process that
 * died, failed rows that are due again, and rows whose lease expired. Rows are claimed in batches with one
 * atomic UPDATE (so any number of processes can share the table and each row is processed by one), and a
 * batch is processed in one transaction, with a savepoint per row: a failing row is rolled back and retried
 * later on its own, the others commit together (one commit per batch instead of several per row).
 */
@Injectable()
export class InboxProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxProcessor.name);
  private readonly dialect: SqlDialect;
  /** One batch at a time on SQLite (one writer); on MySQL a few, each on its own connection. */
  private readonly concurrency: number;
  private readonly fresh: string[] = [];
  private readonly swept: string[] = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private timer?: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly people: PeopleService,
    private readonly events: EventEmitter2,
    private readonly cipher: TokenCipher,
  ) {
    this.dialect = new SqlDialect(dataSource);
    this.concurrency = this.dialect.isMysql ? 4 : 1;
  }

  onApplicationBootstrap(): void {
    if (this.config.roles.length === 0) return;
    this.sweeping = this.sweep({ recoverAll: true });
    this.timer = setInterval(() => (this.sweeping = this.sweep({ recoverAll: false })), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Rows this process just stored. */
  enqueue(ids: string[]): void {
    this.fresh.push(...ids);
    this.pump();
  }

  /** Resolves when no sweep is looking for rows and nothing is queued or running (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    await this.sweeping;
    if (this.running === 0 && this.fresh.length === 0 && this.swept.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Queues the rows nobody is working on. At start (`recoverAll`) that is every pending row, whatever
   * its grace time: rows a crashed run stored but never processed are picked up here.
   */
  async sweep({ recoverAll }: { recoverAll: boolean }): Promise<void> {
    try {
      const now = this.dialect.time(this.clock.now());
      const rows = (await this.dataSource.query(
        `SELECT id FROM webhook_inbox
         WHERE (status = 'pending' AND (? = 1 OR next_attempt_at <= ?)) OR (status = 'processing' AND lease_until < ?)
         ORDER BY id LIMIT ${SWEEP_BATCH}`,
        [recoverAll ? 1 : 0, now, now],
      )) as Array<{ id: string | number }>;
      this.swept.push(...rows.map((r) => String(r.id)));
      this.pump();
      await this.deleteOldDoneRows();
    } catch (error) {
      this.logger.error(error instanceof Error ? error : String(error));
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && (this.fresh.length > 0 || this.swept.length > 0)) {
      const fromSweep = this.fresh.length === 0;
      const ids = (fromSweep ? this.swept : this.fresh).splice(0, BATCH);
      this.running++;
      void requestContext
        .run({ requestId: `inbox-${ids[0]}` }, () => this.processBatch(ids, fromSweep))
        .catch((error: unknown) => this.logger.error(error instanceof Error ? error : String(error)))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.fresh.length === 0 && this.swept.length === 0)
            this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    }
  }

  private async processBatch(ids: string[], fromSweep: boolean): Promise<void> {
    const claimed = await this.claim(ids, fromSweep);
    if (claimed.length === 0) return;
    await inAmbientTransaction(this.dataSource, async () => {
      const done: string[] = [];
      for (const row of claimed) {
        // A savepoint per row: a listener failure undoes that row's writes only.
        await this.dataSource.query('SAVEPOINT inbox_row');
        try {
          for (const event of parseWebhook(JSON.parse(this.cipher.decrypt(row.body)))) await this.handle(event);
          await this.dataSource.query('RELEASE SAVEPOINT inbox_row');
          done.push(row.id);
        } catch (error) {
          await this.dataSource.query('ROLLBACK TO SAVEPOINT inbox_row');
          await this.release(row.id, error);
        }
      }
      if (done.length > 0) {
        await this.dataSource.query(
          `UPDATE webhook_inbox SET status = 'done', processed_at = ?, lease_until = NULL, claimed_by = NULL, last_error = NULL
           WHERE status = 'processing' AND id IN (${done.map(() => '?').join(', ')})`,
          [this.dialect.time(this.clock.now()), ...done],
        );
      }
    });
  }

  /** Atomic claim of a batch: only one process (and one call) gets a given row; attempts are counted here. */
  private async claim(ids: string[], fromSweep: boolean): Promise<Claimed[]> {
    const now = this.clock.now();
    const claim = randomUUID();
    const marks = ids.map(() => '?').join(', ');
    // A sweep may also take a row whose holder's lease ran out (that process died mid-row).
    const [claimable, params] = fromSweep
      ? [`(status = 'pending' OR (status = 'processing' AND lease_until < ?))`, [this.dialect.time(now)]]
      : [`status = 'pending'`, []];
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE webhook_inbox SET status = 'processing', lease_until = ?, claimed_by = ?, attempts = attempts + 1
       WHERE id IN (${marks}) AND ${claimable}`,
      [this.dialect.time(new Date(now.getTime() + LEASE_MS)), claim, ...ids, ...params],
    );
    if (changed === 0) return [];
    const rows = (await this.dataSource.query(`SELECT id, body FROM webhook_inbox WHERE claimed_by = ? ORDER BY id`, [claim])) as Array<{
      id: string | number;
      body: string;
    }>;
    return rows.map((r) => ({ id: String(r.id), body: r.body }));
  }

  private async handle(event: AnyMessengerEvent): Promise<void> {
    // The window is ours to keep: a message or a postback opens it; an opt-in, a read or a referral does not.
    if (event.name === MessengerEvents.MessageReceived || event.name === MessengerEvents.Postback) {
      const { pageId, psid, platform, at } = event.payload;
      await this.people.recordInbound(pageId, psid, platform, at);
    }
    await this.events.emitAsync(event.name, event.payload);
  }

  private async release(id: string, error: unknown): Promise<void> {
    const [row] = (await this.dataSource.query('SELECT attempts FROM webhook_inbox WHERE id = ?', [id])) as Array<{ attempts: number }>;
    const attempts = Number(row?.attempts ?? 0);
    const failed = attempts >= MAX_ATTEMPTS;
    const retryAt = new Date(this.clock.now().getTime() + Math.min(2 ** attempts * 1000, 600_000));
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ msg: 'webhook processing failed', inboxId: id, attempts, failed, error: message });
    await this.dataSource.query(
      `UPDATE webhook_inbox SET status = ?, next_attempt_at = ?, lease_until = NULL, claimed_by = NULL, last_error = ? WHERE id = ? AND status = 'processing'`,
      [failed ? 'failed' : 'pending', this.dialect.time(retryAt), message.slice(0, 2000), id],
    );
  }

  private async deleteOldDoneRows(): Promise<void> {
    const before = this.dialect.time(new Date(this.clock.now().getTime() - KEEP_DONE_MS));
    const sql = this.dialect.isMysql
      ? `DELETE FROM webhook_inbox WHERE status = 'done' AND processed_at < ? LIMIT 500`
      : `DELETE FROM webhook_inbox WHERE id IN (SELECT id FROM webhook_inbox WHERE status = 'done' AND processed_at < ? LIMIT 500)`;
    await this.dataSource.query(sql, [before]);
  }
}
