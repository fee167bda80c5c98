import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource, Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { GraphApiClient, type GraphResult, type UnsubscribeRecipient, type UnsubscribeResult } from '../../libs/graph-api/src';
import { InjectConfig } from '../common/app-config.provider';
import { Clock } from '../common/clock';
import { SerialPoller } from '../common/serial-poller';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { Subscription, type MetaUnsubscribeBy, type MetaUnsubscribeStatus } from './entities/subscription.entity';
import { SubscriptionsService } from './subscriptions.service';

/** Calls before an unsubscribe at Meta is given up as `failed` (with backoff, about 4 hours in all). */
export const MAX_META_UNSUBSCRIBE_ATTEMPTS = 8;
/** A claimed call that never recorded its outcome (the process died) is due again after this. */
const LEASE_MS = 2 * 60_000;
const POLL_MS = 15_000;
const BATCH = 20;

/** Backoff after the n-th failed call: 1 min, 2 min, 4 min … capped at 2 h. */
export const metaUnsubscribeBackoffMs = (attempts: number): number => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 2 * 3_600_000);

/** The state a subscription shows for its unsubscribe at Meta (the subscriber DTO carries it as is). */
export interface MetaUnsubscribeState {
  status: MetaUnsubscribeStatus;
  attempts: number;
  /** Why the last call did not count as done: an error kind with Meta's code, or `invalid_rows`. */
  error: string | null;
  /** While pending: when the next call is due. */
  nextAttemptAt: Date | null;
}

/** The rows one call covers: all pending PSID rows of a person on a Page, or one token row. */
interface CallTarget {
  pageId: string;
  by: MetaUnsubscribeBy;
  /** The row whose claim (attempt count) this call is. */
  row: Subscription;
}

/**
 * Unsubscribes people at Meta (`POST /<PAGE_ID>/messaging_customer_base/unsubscribe`, Page token) and keeps
 * the outcome on the subscription rows. A call is `done` only when Meta answers with no invalid rows; a
 * refusal, an error or unmatched rows leave the rows `pending` with a backoff, and after
 * MAX_META_UNSUBSCRIBE_ATTEMPTS they become `failed` with the reason. Pending rows live in the database,
 * so a worker process picks them up after a restart; a call is claimed with a conditional UPDATE (the
 * row's `meta_unsubscribe_next_at` moves past a lease) so two workers never call for the same row at once.
 */
@Injectable()
export class MetaUnsubscriber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetaUnsubscriber.name);
  private readonly repo: Repository<Subscription>;
  private readonly dialect: SqlDialect;
  private readonly poller = new SerialPoller(
    () => this.drain(),
    (error: unknown) => this.logger.error(error instanceof Error ? error : String(error)),
  );

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly subscriptions: SubscriptionsService,
    private readonly pages: PagesService,
    private readonly graph: GraphApiClient,
    private readonly clock: Clock,
  ) {
    this.repo = dataSource.getRepository(Subscription);
    this.dialect = new SqlDialect(dataSource);
  }

  onApplicationBootstrap(): void {
    if (this.config.roles.includes('worker')) this.poller.start(POLL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.poller.stop();
  }

  /**
   * Marks `rows` pending (by PSID: one call for the person; by token: one call for `rows[0]`), claims the
   * first call for this process and makes it now. Returns the state the rows are left in.
   */
  async request(pageId: string, rows: Subscription[], by: MetaUnsubscribeBy): Promise<MetaUnsubscribeState> {
    const now = this.clock.now();
    const ids = rows.map((r) => r.id);
    await this.repo
      .createQueryBuilder()
      .update()
      .set({
        metaUnsubscribeStatus: 'pending',
        metaUnsubscribeBy: by,
        metaUnsubscribeAttempts: 1,
        metaUnsubscribeNextAt: new Date(now.getTime() + LEASE_MS),
        metaUnsubscribeError: null,
        updatedAt: now,
      })
      .where('id IN (:...ids)', { ids })
      .execute();
    const row = { ...rows[0]!, metaUnsubscribeAttempts: 1, metaUnsubscribeBy: by };
    // The user waits for this one: bounded (GRAPH_USER_WAIT_MS); past it the row stays pending for the worker.
    return this.call({ pageId, by, row }, this.graph.within(this.config.graphUserWaitMs));
  }

  /** One worker pass: every pending call due by the clock, each claimed first. Returns how many calls were made. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  private async drain(): Promise<number> {
    let made = 0;
    for (;;) {
      const now = this.clock.now();
      const due = await this.repo
        .createQueryBuilder('s')
        .where('s.metaUnsubscribeStatus = :pending', { pending: 'pending' })
        .andWhere('s.metaUnsubscribeNextAt <= :now', { now: this.dialect.time(now) })
        .orderBy('s.metaUnsubscribeNextAt', 'ASC')
        .limit(BATCH)
        .getMany();
      let claimed = 0;
      for (const row of due) {
        if (!(await this.claim(row, now))) continue;
        claimed++;
        await this.call(
          {
            pageId: row.pageId,
            by: row.metaUnsubscribeBy ?? 'token',
            row: { ...row, metaUnsubscribeAttempts: row.metaUnsubscribeAttempts + 1 },
          },
          this.graph,
        );
      }
      made += claimed;
      if (due.length < BATCH || claimed === 0) return made;
    }
  }

  /** The conditional UPDATE is the claim: only one process moves a due row's next time past the lease. */
  private async claim(row: Subscription, now: Date): Promise<boolean> {
    const affected = await SqlDialect.execute(
      this.dataSource,
      `UPDATE subscriptions SET meta_unsubscribe_next_at = ?, meta_unsubscribe_attempts = meta_unsubscribe_attempts + 1, updated_at = ?
        WHERE id = ? AND meta_unsubscribe_status = 'pending' AND meta_unsubscribe_next_at <= ?`,
      [this.dialect.time(new Date(now.getTime() + LEASE_MS)), this.dialect.time(now), row.id, this.dialect.time(now)],
    );
    return affected === 1;
  }

  private async call(target: CallTarget, graph: GraphApiClient): Promise<MetaUnsubscribeState> {
    const { pageId, by, row } = target;
    let result: GraphResult<UnsubscribeResult>;
    try {
      const recipient: UnsubscribeRecipient =
        by === 'psid' && row.psid !== null ? { psid: row.psid } : { subscriptionToken: this.subscriptions.decryptToken(row) };
      const { accessToken } = await this.pages.credentials(pageId);
      result = await graph.unsubscribe(accessToken, pageId, [recipient]);
    } catch (error) {
      // A Page that was removed, or a token we cannot decrypt: retried like a refusal, and shown.
      this.logger.warn({
        msg: 'unsubscribe at Meta could not be called',
        pageId,
        error: error instanceof Error ? error.message : String(error),
      });
      return this.record(target, { error: 'not_called', retryAt: undefined });
    }
    if (result.ok && result.value.invalidRowsCount === 0) return this.record(target, 'done');
    const failure = result.ok
      ? { error: 'invalid_rows', retryAt: undefined }
      : {
          error: `${result.error.kind} (${result.error.code}${result.error.subcode !== undefined ? `/${result.error.subcode}` : ''})`,
          retryAt: 'retryAt' in result.error ? result.error.retryAt : undefined,
        };
    this.logger.warn({
      msg: "Meta's unsubscribe did not complete; it will be retried",
      pageId,
      by,
      attempts: row.metaUnsubscribeAttempts,
      error: failure.error,
    });
    return this.record(target, failure);
  }

  /** Writes the outcome on every pending row the call covered. */
  private async record(target: CallTarget, outcome: 'done' | { error: string; retryAt: Date | undefined }): Promise<MetaUnsubscribeState> {
    const { pageId, by, row } = target;
    const now = this.clock.now();
    const attempts = row.metaUnsubscribeAttempts;
    let state: MetaUnsubscribeState;
    if (outcome === 'done') {
      state = { status: 'done', attempts, error: null, nextAttemptAt: null };
    } else if (attempts >= MAX_META_UNSUBSCRIBE_ATTEMPTS) {
      state = { status: 'failed', attempts, error: outcome.error, nextAttemptAt: null };
    } else {
      const backoff = now.getTime() + metaUnsubscribeBackoffMs(attempts);
      const next = Math.max(backoff, outcome.retryAt?.getTime() ?? 0);
      state = { status: 'pending', attempts, error: outcome.error, nextAttemptAt: new Date(next) };
    }
    const update = this.repo
      .createQueryBuilder()
      .update()
      .set({
        metaUnsubscribeStatus: state.status,
        metaUnsubscribeAttempts: attempts,
        metaUnsubscribeNextAt: state.nextAttemptAt,
        metaUnsubscribeError: state.error,
        updatedAt: now,
      })
      .where('metaUnsubscribeStatus = :pending', { pending: 'pending' });
    if (by === 'psid' && row.psid !== null) {
      // One call for the person covered every pending PSID row of theirs on this Page.
      update.andWhere('pageId = :pageId AND psid = :psid AND metaUnsubscribeBy = :by', { pageId, psid: row.psid, by });
    } else {
      update.andWhere('id = :id', { id: row.id });
    }
    await update.execute();
    return state;
  }
}
