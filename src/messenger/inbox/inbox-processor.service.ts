import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
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
import { IntakeLoad } from './intake-load';

const BATCH = 50;
/** While intake is busy (IntakeLoad): small batches, each followed by a rest, so the 200s keep most of the CPU. */
const BATCH_UNDER_LOAD = 5;
/** A slot rests this many times as long as its last batch took: processing gets a tenth of the time under load. */
const REST_FACTOR_UNDER_LOAD = 9;
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
/** Also how soon a worker sees the rows an `api`-only process stored. */
const SWEEP_EVERY_MS = 1_000;
const SWEEP_BATCH = 500;
/**
 * A decision in an `api`-only process (which may only store) that waits for deliveries marks them
 * wanted by setting their `next_attempt_at` to WANTED_AT (earlier than any real due time); workers look
 * for such rows this often and apply them at once, ahead of any backlog and of the rests under load.
 */
export const WANTED_AT = new Date(0);
const WANTED_POLL_MS = 100;
const WANTED_BATCH = 50;
const END_OF_TIME = new Date('9999-12-31T00:00:00Z');
const KEEP_DONE_MS = 7 * 24 * 3600_000;

interface Claimed {
  id: string;
  body: string;
}

/**
 * Turns stored webhook deliveries into domain events, off the request path, in processes with the
 * `worker` role. Rows stored by this process are queued at once; a sweep (at start and every second)
 * takes rows stored by `api`-only processes, rows left pending by a process that died, failed rows that
 * are due again, and rows whose lease expired. Rows are claimed in batches with one atomic UPDATE (so any
 * number of processes can share the table and each row is processed by one), and a batch is processed in
 * one transaction (one commit per batch instead of several per row); a failing row is retried later on
 * its own while the others go through (processRows).
 *
 * Acknowledging Meta comes first: while deliveries pour in (200 a second or more), processing goes on in
 * small batches with rests between them, and a burst is stored at full speed and processed as it ends.
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
  /** Id lookups of rows this process stored, still running. */
  private lookups = 0;
  private timer?: NodeJS.Timeout;
  private wantedTimer?: NodeJS.Timeout;
  private takingWanted = false;
  private sweeping: Promise<void> = Promise.resolve();
  private readonly intakeLoad = new IntakeLoad();
  readonly processesHere: boolean;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() config: AppConfig,
    private readonly clock: Clock,
    private readonly people: PeopleService,
    private readonly events: EventEmitter2,
    private readonly cipher: TokenCipher,
  ) {
    this.dialect = new SqlDialect(dataSource);
    this.concurrency = this.dialect.isMysql ? 4 : 1;
    this.processesHere = config.roles.includes('worker');
  }

  onApplicationBootstrap(): void {
    if (!this.processesHere) return;
    this.sweeping = this.sweep({ recoverAll: true });
    this.timer = setInterval(() => (this.sweeping = this.sweep({ recoverAll: false })), SWEEP_EVERY_MS);
    this.timer.unref();
    this.wantedTimer = setInterval(() => void this.applyWanted(), WANTED_POLL_MS);
    this.wantedTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearInterval(this.wantedTimer);
  }

  /**
   * Applies these rows now, in the caller's time, whatever queue they wait in here or elsewhere: the
   * same atomic claim as every batch (so a row another process holds is left to it, and one whose
   * holder died, lease run out, is taken over), then the same processing. Used by a decision that must
   * see what was acknowledged about its person (FreshState). Resolves once they are done, or released
   * with their error when a listener failed.
   */
  async applyNow(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const claimed = await this.claim(ids, true);
    if (claimed.length > 0) await requestContext.run({ requestId: `inbox-${claimed[0]!.id}` }, () => this.processRows(claimed));
  }

  /** Told by the intake as each delivery comes in. */
  deliveryArriving(): void {
    this.intakeLoad.arrived();
  }

  /**
   * Rows this process just stored, by their body hashes: the ids are looked up here (MySQL has no
   * RETURNING), off the intake's write path. Should the lookup fail, the rows are swept after their grace
   * time. By hash alone: with a status condition SQLite's planner scans every pending row instead. A
   * redelivery's old id is harmless: claims are atomic.
   */
  takeStored(hashes: string[]): void {
    this.lookups++;
    void this.dataSource
      .query(`SELECT id FROM webhook_inbox WHERE body_hash IN (${hashes.map(() => '?').join(', ')})`, hashes)
      .then((rows: Array<{ id: string | number }>) => this.fresh.push(...rows.map((r) => String(r.id))))
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'stored deliveries left to the sweep', error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        this.lookups--;
        this.pump();
        this.wakeIdleWaiters();
      });
  }

  /** Resolves when no sweep is looking for rows and nothing is queued or running (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    await this.sweeping;
    if (this.isIdle()) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Queues the rows nobody is working on. At start (`recoverAll`) that is every pending row, whatever
   * its grace time: rows a crashed run stored but never processed are picked up here.
   */
  async sweep({ recoverAll }: { recoverAll: boolean }): Promise<void> {
    // Rows from the last sweep still queued would only be found again.
    if (this.swept.length > 0) return;
    try {
      const now = this.dialect.time(this.clock.now());
      // Two index ranges rather than one OR: with the OR, SQLite reads every pending row.
      const due = (await this.dataSource.query(
        `SELECT id FROM webhook_inbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ${SWEEP_BATCH}`,
        [recoverAll ? this.dialect.time(END_OF_TIME) : now],
      )) as Array<{ id: string | number }>;
      const abandoned = (await this.dataSource.query(
        `SELECT id FROM webhook_inbox WHERE status = 'processing' AND lease_until < ? LIMIT ${SWEEP_BATCH}`,
        [now],
      )) as Array<{ id: string | number }>;
      const rows = [...due, ...abandoned];
      this.swept.push(...rows.map((r) => String(r.id)));
      this.pump();
      await this.deleteOldDoneRows();
    } catch (error) {
      this.logger.error(error instanceof Error ? error : String(error));
    }
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queued()) {
      this.running++;
      void this.runSlot().finally(() => {
        this.running--;
        this.wakeIdleWaiters();
      });
    }
  }

  /**
   * One processing slot: batches until the queues are empty, letting the intake go first between them.
   * Under load one slot goes on and the others stop; they are started again as the load ends.
   */
  private async runSlot(): Promise<void> {
    while (this.queued() && !(this.intakeLoad.busy() && this.running > 1)) {
      const fromSweep = this.fresh.length === 0;
      const ids = (fromSweep ? this.swept : this.fresh).splice(0, this.intakeLoad.busy() ? BATCH_UNDER_LOAD : BATCH);
      const started = performance.now();
      await requestContext
        .run({ requestId: `inbox-${ids[0]}` }, () => this.processBatch(ids, fromSweep))
        .catch((error: unknown) => this.logger.error(error instanceof Error ? error : String(error)));
      const took = performance.now() - started;
      // Through the event loop first: deliveries that came in during the batch are read, and count as load.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.intakeLoad.busy()) await rest(took * REST_FACTOR_UNDER_LOAD);
      else this.pump();
    }
  }

  private isIdle(): boolean {
    return this.running === 0 && this.lookups === 0 && !this.queued();
  }

  private wakeIdleWaiters(): void {
    if (this.isIdle()) this.idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  private queued(): boolean {
    return this.fresh.length > 0 || this.swept.length > 0;
  }

  private async processBatch(ids: string[], fromSweep: boolean): Promise<void> {
    const claimed = await this.claim(ids, fromSweep);
    if (claimed.length > 0) await this.processRows(claimed);
  }

  /**
   * The rows in one transaction, marked done in it. If a row fails, the transaction is undone, that row
   * alone is released to be retried later, and the others go through again without it. (Rows before it
   * are handled twice, as after a crash: listeners are idempotent.) Failures are rare, so this costs less
   * than a savepoint around every row. A failure outside any row (the commit) leaves the rows claimed:
   * the sweep takes them again once their lease runs out.
   */
  private async processRows(rows: Claimed[]): Promise<void> {
    let failed: { row: Claimed; error: unknown } | undefined;
    try {
      await inAmbientTransaction(this.dataSource, async () => {
        for (const row of rows) {
          try {
            await this.handle(parseWebhook(JSON.parse(this.cipher.decrypt(row.body))));
          } catch (error) {
            failed = { row, error };
            throw error;
          }
        }
        await this.dataSource.query(
          `UPDATE ${this.dialect.byPrimaryKey('webhook_inbox')} SET status = 'done', processed_at = ?, lease_until = NULL, claimed_by = NULL, last_error = NULL
           WHERE status = 'processing' AND id IN (${rows.map(() => '?').join(', ')})`,
          [this.dialect.time(this.clock.now()), ...rows.map((row) => row.id)],
        );
      });
    } catch (error) {
      if (!failed) throw error;
      await this.release(failed.row.id, failed.error);
      const others = rows.filter((row) => row !== failed!.row);
      if (others.length > 0) await this.processRows(others);
    }
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
      `UPDATE ${this.dialect.byPrimaryKey('webhook_inbox')} SET status = 'processing', lease_until = ?, claimed_by = ?, attempts = attempts + 1
       WHERE id IN (${marks}) AND ${claimable}`,
      [this.dialect.time(new Date(now.getTime() + LEASE_MS)), claim, ...ids, ...params],
    );
    if (changed === 0) return [];
    // By the listed ids: claimed_by has no index, and the table holds a week of deliveries.
    const rows = (await this.dataSource.query(
      `SELECT id, body FROM ${this.dialect.byPrimaryKey('webhook_inbox')} WHERE id IN (${marks}) AND claimed_by = ? ORDER BY id`,
      [...ids, claim],
    )) as Array<{
      id: string | number;
      body: string;
    }>;
    return rows.map((r) => ({ id: String(r.id), body: r.body }));
  }

  /** One delivery's events: first who wrote (one statement for all of them), then each event on the emitter, in order. */
  private async handle(events: AnyMessengerEvent[]): Promise<void> {
    // The window is ours to keep: a message or a postback opens it; an opt-in, a read or a referral does not.
    await this.people.recordInbound(
      events.flatMap((event) =>
        event.name === MessengerEvents.MessageReceived || event.name === MessengerEvents.Postback ? [event.payload] : [],
      ),
    );
    for (const event of events) await this.events.emitAsync(event.name, event.payload);
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

  /** Rows that a decision in another process waits for (WANTED_AT). */
  private async applyWanted(): Promise<void> {
    if (this.takingWanted) return;
    this.takingWanted = true;
    try {
      const rows = (await this.dataSource.query(
        `SELECT id FROM webhook_inbox WHERE status = 'pending' AND next_attempt_at <= ? LIMIT ${WANTED_BATCH}`,
        [this.dialect.time(WANTED_AT)],
      )) as Array<{ id: string | number }>;
      await this.applyNow(rows.map((r) => String(r.id)));
    } catch (error) {
      this.logger.error(error instanceof Error ? error : String(error));
    } finally {
      this.takingWanted = false;
    }
  }

  private async deleteOldDoneRows(): Promise<void> {
    const before = this.dialect.time(new Date(this.clock.now().getTime() - KEEP_DONE_MS));
    const sql = this.dialect.isMysql
      ? `DELETE FROM webhook_inbox WHERE status = 'done' AND processed_at < ? LIMIT 500`
      : `DELETE FROM webhook_inbox WHERE id IN (SELECT id FROM webhook_inbox WHERE status = 'done' AND processed_at < ? LIMIT 500)`;
    await this.dataSource.query(sql, [before]);
  }
}

const rest = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
