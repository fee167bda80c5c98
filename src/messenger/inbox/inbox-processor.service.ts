import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../common/app-config.provider';
import { Clock } from '../../common/clock';
import { TokenCipher } from '../../common/token-cipher';
import { requestContext } from '../../common/request-context';
import { SqlDialect } from '../../database/sql-dialect';
import { MessengerEvents, type AnyMessengerEvent } from '../events/messenger-events';
import { parseWebhook } from '../events/parse-webhook';
import { PeopleService } from '../people/people.service';

const CONCURRENCY = 4;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
const SWEEP_EVERY_MS = 5_000;
const SWEEP_BATCH = 200;
const KEEP_DONE_MS = 7 * 24 * 3600_000;

/**
 * Turns stored webhook deliveries into domain events, off the request path. Rows stored by this process
 * are queued at once; a sweep (at start and every few seconds) takes rows left pending by a process
 * that died, failed rows that are due again, and rows whose lease expired. Claims are atomic UPDATEs,
 * so any number of processes can run this against one database and each row is processed by one.
 */
@Injectable()
export class InboxProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(InboxProcessor.name);
  private readonly dialect: SqlDialect;
  private readonly queue: Array<{ id: string; fromSweep: boolean }> = [];
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

  enqueue(id: string, fromSweep = false): void {
    this.queue.push({ id, fromSweep });
    this.pump();
  }

  /** Resolves when no sweep is looking for rows and nothing is queued or running (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    await this.sweeping;
    if (this.running === 0 && this.queue.length === 0) return;
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
      for (const row of rows) this.enqueue(String(row.id), true);
      await this.deleteOldDoneRows();
    } catch (error) {
      this.logger.error(error instanceof Error ? error : String(error));
    }
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.running++;
      void requestContext
        .run({ requestId: `inbox-${next.id}` }, () => this.processRow(next.id, next.fromSweep))
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        });
    }
  }

  private async processRow(id: string, fromSweep: boolean): Promise<void> {
    const body = await this.claim(id, fromSweep);
    if (body === undefined) return;
    try {
      for (const event of parseWebhook(JSON.parse(body))) await this.handle(event);
      await this.dataSource.query(
        `UPDATE webhook_inbox SET status = 'done', processed_at = ?, lease_until = NULL, last_error = NULL WHERE id = ? AND status = 'processing'`,
        [this.dialect.time(this.clock.now()), id],
      );
    } catch (error) {
      await this.release(id, error);
    }
  }

  /** Atomic claim: only one process (and one call) gets a given row; attempts are counted here. */
  private async claim(id: string, fromSweep: boolean): Promise<string | undefined> {
    const now = this.clock.now();
    // A sweep may also take a row whose holder's lease ran out (that process died mid-row).
    const [claimable, params] = fromSweep
      ? [`(status = 'pending' OR (status = 'processing' AND lease_until < ?))`, [this.dialect.time(now)]]
      : [`status = 'pending'`, []];
    const changed = await SqlDialect.execute(
      this.dataSource,
      `UPDATE webhook_inbox SET status = 'processing', lease_until = ?, attempts = attempts + 1 WHERE id = ? AND ${claimable}`,
      [this.dialect.time(new Date(now.getTime() + LEASE_MS)), id, ...params],
    );
    if (changed !== 1) return undefined;
    const [row] = (await this.dataSource.query('SELECT body FROM webhook_inbox WHERE id = ?', [id])) as Array<{ body: string }>;
    return row ? this.cipher.decrypt(row.body) : undefined;
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
    const attempts = Number(((await this.dataSource.query('SELECT attempts FROM webhook_inbox WHERE id = ?', [id])) as Array<{ attempts: number }>)[0]?.attempts ?? 0);
    const failed = attempts >= MAX_ATTEMPTS;
    const retryAt = new Date(this.clock.now().getTime() + Math.min(2 ** attempts * 1000, 600_000));
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ msg: 'webhook processing failed', inboxId: id, attempts, failed, error: message });
    await this.dataSource.query(
      `UPDATE webhook_inbox SET status = ?, next_attempt_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND status = 'processing'`,
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
