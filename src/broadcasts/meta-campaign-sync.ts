import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource, Repository } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { GraphApiClient, GraphError, GraphResult } from '../../libs/graph-api/src';
import { InjectConfig } from '../common/app-config.provider';
import { Clock } from '../common/clock';
import { SerialPoller } from '../common/serial-poller';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { BroadcastGraphClient } from './broadcast-graph-client';
import { Campaign, type BudgetType } from './entities/campaign.entity';

/**
 * A change at Meta recorded on the campaign row before it is asked (`meta_intent`, JSON), so that a
 * failure, a timeout or a crash between asking Meta and writing our row can be finished later.
 * Budgets are in Meta's integer unit for the ad account's currency; `startTime` in epoch ms.
 */
export type MetaIntent =
  | {
      op: 'create';
      /** Part of the Meta campaign's name, unique to our campaign: how a create whose answer was lost is found at Meta. */
      tag: string;
      input: { name: string; pageId: string; dailyBudget?: number; lifetimeBudget?: number; startTime: number };
      askedAt: string;
    }
  | {
      op: 'update';
      fields: { dailyBudget?: number; lifetimeBudget?: number; status?: 'ACTIVE' | 'PAUSED' };
      /** Our budget before the change: put back if Meta refuses it for good. */
      undo?: { budgetType: BudgetType | null; budgetAmount: number | null };
      askedAt: string;
    };

/** What came of one attempt at a campaign's intent. */
export type MetaSyncOutcome =
  | { state: 'synced' }
  /** Not known to be done (timeout, transient error, rate limit): kept, and tried again by the reconciler. */
  | { state: 'pending'; error: GraphError }
  /** Meta answered no: the intent is dropped and our row put back as it was before the change. */
  | { state: 'refused'; error: GraphError };

/** A claimed intent whose process died is due again after this; longer than any user-facing Graph wait. */
export const META_SYNC_LEASE_MS = 2 * 60_000;
const POLL_MS = 15_000;
const BATCH = 20;

/** Backoff after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 1 h; intents are never dropped on time alone. */
export const metaSyncBackoffMs = (attempts: number): number => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

/** The Meta campaign name tag of one of our campaigns (its full id: unique across shops). */
export const metaCampaignTag = (campaignId: string): string => `pm:${campaignId}`;

/** Errors after which Meta may have done, or may yet do, what was asked: the intent stays open. */
const isUndecided = (error: GraphError): boolean =>
  error.kind === 'transient' || error.kind === 'rate_limited' || error.kind === 'pacing' || error.kind === 'unknown';

/**
 * The one place campaign changes at Meta are made (create, budget, pause at cancel): callers record the
 * intent on the row in the same UPDATE as their own change (`intentColumns`), then `attempt` asks Meta
 * and writes the outcome. After a failure whose outcome is unknown the intent stays `pending`; a create
 * is then looked up at Meta by its name tag before it is made again, so a retry never makes a second
 * campaign. Processes with the `worker` role run `runDue` every 15 s for intents left open (a timeout
 * answered to the user, a crash); claims are conditional UPDATEs, so two processes never work on one row.
 */
@Injectable()
export class MetaCampaignSync implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MetaCampaignSync.name);
  private readonly repo: Repository<Campaign>;
  private readonly dialect: SqlDialect;
  private readonly poller = new SerialPoller(
    () => this.drain(),
    (error: unknown) => this.logger.error(error instanceof Error ? error : String(error)),
  );

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly pages: PagesService,
    private readonly graph: BroadcastGraphClient,
    private readonly clock: Clock,
  ) {
    this.repo = dataSource.getRepository(Campaign);
    this.dialect = new SqlDialect(dataSource);
  }

  onApplicationBootstrap(): void {
    if (this.config.roles.includes('worker')) this.poller.start(POLL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.poller.stop();
  }

  /** A Graph client whose calls together end within the configured user wait (GRAPH_USER_WAIT_MS). */
  userWait(): GraphApiClient {
    return this.graph.within(this.config.graphUserWaitMs);
  }

  /** The columns that record `intent` as pending, claimed (attempt 1, leased) by the caller that is about to attempt it. */
  intentColumns(
    intent: MetaIntent,
    now: Date,
  ): Pick<Campaign, 'metaSync' | 'metaIntent' | 'metaSyncNextAt' | 'metaSyncAttempts' | 'metaSyncError'> {
    return {
      metaSync: 'pending',
      metaIntent: JSON.stringify(intent),
      metaSyncNextAt: new Date(now.getTime() + META_SYNC_LEASE_MS),
      metaSyncAttempts: 1,
      metaSyncError: null,
    };
  }

  /**
   * One attempt at the campaign's pending intent with `graph` (a user-wait view, or the plain client in the
   * reconciler). `by`: `recorder` holds the claim already (it just recorded the intent with `intentColumns`);
   * `user` may claim an intent whose last attempt failed at once, without waiting for its backoff; `reconciler`
   * claims only intents that are due. Returns `undefined` when nothing is pending or another attempt holds it.
   */
  async attempt(campaignId: string, graph: GraphApiClient, by: 'recorder' | 'user' | 'reconciler'): Promise<MetaSyncOutcome | undefined> {
    const row = await this.repo.findOne({ where: { id: campaignId } });
    if (!row || row.metaSync !== 'pending' || row.metaIntent === null) return undefined;
    if (by !== 'recorder') {
      if (!(await this.claim(row, by === 'user'))) return undefined;
      row.metaSyncAttempts += 1;
    }
    const intent = JSON.parse(row.metaIntent) as MetaIntent;
    let result: GraphResult<unknown>;
    try {
      result = await this.perform(row, intent, graph);
    } catch (error) {
      // No credentials (a Page removed, a token not decryptable): kept and retried, and shown on the row.
      this.logger.warn({
        msg: 'campaign change at Meta could not be called',
        campaignId,
        error: error instanceof Error ? error.message : String(error),
      });
      result = { ok: false, error: { kind: 'unknown', code: 0, message: 'not called: no marketing credentials' } };
    }
    return this.record(row, intent, result);
  }

  /** One reconciler pass: every pending intent whose time has come. Returns how many were attempted. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  private async drain(): Promise<number> {
    let made = 0;
    for (;;) {
      const due = (await this.dataSource.query(
        `SELECT id FROM campaigns WHERE meta_sync = 'pending' AND meta_sync_next_at <= ? ORDER BY meta_sync_next_at LIMIT ${BATCH}`,
        [this.dialect.time(this.clock.now())],
      )) as Array<{ id: string }>;
      let attempted = 0;
      for (const { id } of due) if ((await this.attempt(id, this.graph, 'reconciler')) !== undefined) attempted++;
      made += attempted;
      if (due.length < BATCH || attempted === 0) return made;
    }
  }

  /**
   * The conditional UPDATE is the claim: it counts the attempt and leases the row, on condition that the
   * attempt count read with the row is still there. An attempt in flight has no error recorded (the claim
   * clears it) and a lease in the future; a failed one has its error and a backoff, which `now` skips.
   */
  private async claim(row: Campaign, now: boolean): Promise<boolean> {
    const at = this.clock.now();
    const affected = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaigns SET meta_sync_next_at = ?, meta_sync_attempts = meta_sync_attempts + 1, meta_sync_error = NULL
        WHERE id = ? AND meta_sync = 'pending' AND meta_sync_attempts = ? AND (meta_sync_next_at <= ?${now ? ' OR meta_sync_error IS NOT NULL' : ''})`,
      [this.dialect.time(new Date(at.getTime() + META_SYNC_LEASE_MS)), row.id, row.metaSyncAttempts, this.dialect.time(at)],
    );
    return affected === 1;
  }

  private async perform(row: Campaign, intent: MetaIntent, graph: GraphApiClient): Promise<GraphResult<unknown>> {
    const creds = await this.pages.marketingCredentials(row.pageId);
    if (intent.op === 'update') {
      if (row.metaCampaignId === null) return { ok: true, value: null };
      return graph.updateMessageCampaign(creds.systemUserToken, row.metaCampaignId, intent.fields);
    }
    // An earlier attempt may have reached Meta (its answer lost), and a canceled campaign must not be
    // created at all: look it up by its tag first (https://developers.facebook.com/docs/marketing-api/reference/ad-account/campaigns).
    if (row.metaSyncAttempts > 1 || row.status === 'canceled') {
      const found = await graph.findMessageCampaigns(creds.systemUserToken, creds.adAccountId, intent.tag);
      if (!found.ok) return found;
      const existing = found.value.find((c) => c.name.includes(intent.tag));
      if (existing) {
        if (row.status === 'canceled' && existing.status !== 'PAUSED') {
          const paused = await graph.updateMessageCampaign(creds.systemUserToken, existing.id, { status: 'PAUSED' });
          if (!paused.ok) return paused;
        }
        return { ok: true, value: { id: existing.id } };
      }
      if (row.status === 'canceled') return { ok: true, value: null };
    }
    const { startTime, ...input } = intent.input;
    return graph.createMessageCampaign(creds.systemUserToken, creds.adAccountId, { ...input, startTime: new Date(startTime) });
  }

  /** Writes the outcome; every write is conditional on the row still holding this attempt's intent. */
  private async record(row: Campaign, intent: MetaIntent, result: GraphResult<unknown>): Promise<MetaSyncOutcome> {
    const now = this.clock.now();
    const attempts = row.metaSyncAttempts;
    const same = { id: row.id, metaSync: 'pending' as const, metaIntent: row.metaIntent!, metaSyncAttempts: attempts };
    const done = {
      metaSync: 'synced' as const,
      metaIntent: null,
      metaSyncNextAt: null,
      metaSyncAttempts: attempts,
      metaSyncError: null,
      updatedAt: now,
    };
    if (result.ok) {
      const created = result.value as { id: string } | null;
      if (intent.op === 'create' && created !== null) {
        // The warm-up hour is counted from now: never earlier than Meta's own creation time.
        await this.repo.update(same, { ...done, metaCampaignId: created.id, metaCreatedAt: now });
      } else {
        await this.repo.update(same, done);
      }
      this.logger.log({ msg: 'campaign change at Meta confirmed', campaignId: row.id, op: intent.op, attempts });
      return { state: 'synced' };
    }
    const error = result.error;
    const reason = `${error.kind} (${error.code}${error.subcode !== undefined ? `/${error.subcode}` : ''})`.slice(0, 255);
    if (isUndecided(error)) {
      const retryAt = 'retryAt' in error ? error.retryAt.getTime() : 0;
      const next = new Date(Math.max(now.getTime() + metaSyncBackoffMs(attempts), retryAt));
      await this.repo.update(same, { metaSyncAttempts: attempts, metaSyncNextAt: next, metaSyncError: reason, updatedAt: now });
      this.logger.warn({
        msg: 'campaign change at Meta not confirmed; it will be retried',
        campaignId: row.id,
        op: intent.op,
        attempts,
        error: reason,
      });
      return { state: 'pending', error };
    }
    // Meta said no: nothing was changed there, so our row goes back to what Meta holds.
    if (intent.op === 'create') {
      await this.repo.update(
        { ...same, status: 'scheduled' },
        {
          ...done,
          metaSyncError: reason,
          status: 'draft',
          scheduleType: null,
          scheduledAt: null,
          localDate: null,
          localTime: null,
          fallbackTimezone: null,
        },
      );
      // A canceled campaign stays canceled; only its intent is closed.
      await this.repo.update(same, { ...done, metaSyncError: reason });
    } else {
      await this.repo.update(same, { ...done, metaSyncError: reason, ...(intent.undo ?? {}) });
    }
    this.logger.warn({
      msg: 'Meta refused the campaign change; our row is back as before',
      campaignId: row.id,
      op: intent.op,
      error: reason,
    });
    return { state: 'refused', error };
  }
}
