import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import type { GraphError } from '../../libs/graph-api/src';
import { InjectConfig } from '../common/app-config.provider';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { TokenCipher } from '../common/token-cipher';
import { SqlDialect } from '../database/sql-dialect';
import { FreshState } from '../messenger/inbox/fresh-state';
import { hashToken, SubscriptionsService } from '../optins/subscriptions.service';
import { PagesService } from '../pages/pages.service';
import { BroadcastGraphClient } from './broadcast-graph-client';
import { RecurringCampaigns } from './recurring-campaigns';
import { BroadcastScheduler } from './broadcast-scheduler';
import { BroadcastSettingsService, type BroadcastSettings } from './broadcast-settings.service';
import { addDays, isValidTimeZone, localDateOf, type LocalDate } from '../common/local-time';
import { daysTakenBy, decideDailySlot, periodDays, type OtherSend } from './broadcast-time';
import type { CampaignContent } from './campaign-content';
import { CampaignMessages, type MessageBuilder } from '../results/campaign-messages';
import { CampaignSignals } from './campaign-signals';
import { CampaignEvents } from './campaign-events';
import { AttemptMarks } from './attempt-marks';
import { DeliveryClaimer } from './delivery-claimer';
import type { AlreadyMessagedPolicy } from './entities/campaign.entity';
import { subscriberKey } from './entities/daily-send.entity';
import { PluginMetrics } from '../metrics/plugin-metrics';
import { PagePacer, WallTime } from './page-pacer';
import { decideSendOutcome, MAX_SEND_ATTEMPTS, outcomeReason, retryBackoffMs, type SendOutcome } from './send-outcome';

const TICK_EVERY_MS = 1000;
const IDLE_POLL_MS = 250;
const FLUSH_EVERY = 64;
const CANCEL_CHUNK = 5000;
/** How often a drain re-reads its campaign's status (pauses and cancels made by other processes). */
const STATUS_POLL_MS = 250;

interface RunningCampaign {
  id: string;
  pageId: string;
  /** The Page's IANA zone: the local day of subscribers whose opt-in reported none. */
  pageTimezone: string;
  metaCampaignId: string;
  onAlreadyMessaged: AlreadyMessagedPolicy;
  budgetType: string | null;
  budgetAmount: number | null;
  pricePerMessage: number;
  fanoutDone: boolean;
  content: CampaignContent;
}

/** A claimed recipient, ready to send. */
interface ReadyItem {
  id: string;
  owner: string;
  subscriptionId: string;
  token: string;
  attempts: number;
  subscriberKey: string;
  /** The subscriber's local day the send counts for (its first daily_sends row). */
  localDay: LocalDate;
  /** The A/B variant whose content it gets (null: no test). */
  variant: number | null;
}

/** A claimed delivery with its subscription as it stands (LEFT JOIN: the subscription may be gone). */
interface Recipient {
  id: string | number;
  subscription_id: string;
  attempts: number;
  status: string | null;
  token_enc: string | null;
  token_expires_at: unknown;
  page_id: string | null;
  psid: string | null;
  timezone: string | null;
  variant: number | string | null;
}

/** What a flush writes for one row. */
interface RowResult {
  id: string;
  owner: string;
  subscriptionId: string;
  /** The subscriber whose daily_sends rows this delivery took (null: it took none). */
  subscriberKey: string | null;
  localDay: LocalDate | null;
  /** The daily_sends rows this delivery took are given back (nothing was sent). */
  releaseSlot: boolean;
  write:
    | { status: 'sent'; trackingId: string }
    | { status: 'pending'; sendAfter: Date; reason: string | null; error?: GraphError }
    | { status: 'skipped' | 'failed' | 'uncertain'; reason: string; error?: GraphError };
}

export interface PassResult {
  started: string[];
  sent: number;
  /** Rows whose lease ran out after their call had started (they may have reached Meta). */
  uncertainFromLeases: number;
  /** Rows whose lease ran out before their call started: back to pending, sent again. */
  releasedFromLeases: number;
}

/**
 * The broadcast worker: claims due delivery rows in batches (DeliveryClaimer), checks each recipient
 * is still subscribed, takes the subscriber's local days of the period (daily_sends) before the send, sends
 * outside any transaction with `concurrency` sends in flight, and writes outcomes in small batches.
 * Memory holds at most a batch or two per campaign, whatever the audience.
 *
 * In processes with the `worker` role it runs two loops (scheduler tick, passes); tests call `tick()`
 * and `runPass()` themselves after moving the clock.
 */
@Injectable()
export class BroadcastWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BroadcastWorker.name);
  private readonly dialect: SqlDialect;
  readonly workerId = `${hostname().slice(0, 20)}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** Campaigns this process is draining now: one drain per campaign per process. */
  private readonly draining = new Set<string>();
  /** Unknown zones from opt-ins already logged by this process (logged once each, not per recipient). */
  private readonly unknownZonesLogged = new Set<string>();

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly wall: WallTime,
    private readonly cipher: TokenCipher,
    private readonly graph: BroadcastGraphClient,
    private readonly pages: PagesService,
    private readonly subscriptions: SubscriptionsService,
    private readonly settings: BroadcastSettingsService,
    private readonly pacer: PagePacer,
    private readonly claimer: DeliveryClaimer,
    private readonly scheduler: BroadcastScheduler,
    private readonly recurring: RecurringCampaigns,
    private readonly signals: CampaignSignals,
    private readonly fresh: FreshState,
    private readonly campaignEvents: CampaignEvents,
    private readonly messages: CampaignMessages,
    private readonly metrics: PluginMetrics,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  onApplicationBootstrap(): void {
    if (!this.config.roles.includes('worker')) return;
    this.logger.log({ msg: 'broadcast worker started', workerId: this.workerId });
    this.loops = [
      this.loop(() => this.tick().then((s) => s.length), TICK_EVERY_MS),
      this.loop(() => this.runPass().then((r) => r.sent + r.started.length), IDLE_POLL_MS),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.loops);
  }

  private async loop(step: () => Promise<number>, idleMs: number): Promise<void> {
    while (!this.stopping) {
      let worked = 0;
      try {
        worked = await step();
      } catch (error) {
        this.logger.error(error instanceof Error ? error : String(error));
      }
      if (worked === 0 && !this.stopping) await this.wall.sleep(idleMs);
    }
  }

  /** One scheduler tick: the occurrences of recurring campaigns now due are made (RecurringCampaigns), then BroadcastScheduler.tick. */
  async tick(): Promise<string[]> {
    await this.recurring.tick();
    return this.scheduler.tick();
  }

  /**
   * One worker pass: leases that ran out become uncertain (call started) or pending (never attempted), running campaigns are fanned out and
   * drained of every row due now, finished ones are completed, canceled ones lose their pending rows.
   */
  async runPass(): Promise<PassResult> {
    const swept = await this.claimer.sweepExpiredLeases();
    this.metrics.leaseLosses.inc({ outcome: 'uncertain' }, swept.uncertain);
    this.metrics.leaseLosses.inc({ outcome: 'released' }, swept.released);
    const result: PassResult = { started: [], sent: 0, uncertainFromLeases: swept.uncertain, releasedFromLeases: swept.released };
    await this.cancelPendingOfCanceled();
    const campaigns = await this.runningCampaigns();
    const drained = await Promise.allSettled(
      campaigns.map(async (c) => {
        if (this.draining.has(c.id)) return 0;
        this.draining.add(c.id);
        try {
          const n = await this.fanOutAndDrain(c);
          await this.completeIfDone(c.id);
          return n;
        } finally {
          this.draining.delete(c.id);
        }
      }),
    );
    for (const d of drained) {
      if (d.status === 'fulfilled') result.sent += d.value;
      else this.logger.error(d.reason instanceof Error ? d.reason : String(d.reason));
    }
    const failed = drained.find((d): d is PromiseRejectedResult => d.status === 'rejected');
    if (failed) throw failed.reason;
    return result;
  }

  /**
   * Sends while the audience is still being fanned out (by this process or another), so the process
   * doing the fan-out keeps sending too; a last drain after the fan-out picks up its final rows.
   */
  private async fanOutAndDrain(c: RunningCampaign): Promise<number> {
    if (c.fanoutDone) return this.drain(c);
    let fanning = true;
    const fanOut = this.scheduler.fanOut(c.id).finally(() => {
      fanning = false;
    });
    let sent = 0;
    try {
      while (fanning) {
        const n = await this.drain(c);
        sent += n;
        if (n === 0 && fanning) await Promise.race([this.wall.sleep(100), fanOut.catch(() => undefined)]);
        if (!(await this.isRunning(c.id))) break;
      }
    } finally {
      await fanOut;
    }
    return sent + (await this.drain(c));
  }

  private async isRunning(campaignId: string): Promise<boolean> {
    const [row] = (await this.dataSource.query('SELECT status FROM campaigns WHERE id = ?', [campaignId])) as Array<{ status: string }>;
    return row?.status === 'running';
  }

  private async runningCampaigns(): Promise<RunningCampaign[]> {
    const now = this.dialect.time(this.clock.now());
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.page_id, p.timezone AS page_timezone, c.meta_campaign_id, c.on_already_messaged, c.budget_type, c.budget_amount,
              c.price_per_message, c.fanout_done, c.content
         FROM campaigns c JOIN pages p ON p.id = c.page_id
        WHERE c.status = 'running' AND (c.hold_until IS NULL OR c.hold_until <= ?) ORDER BY c.started_at LIMIT 50`,
      [now],
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: String(r.id),
      pageId: String(r.page_id),
      pageTimezone: String(r.page_timezone),
      metaCampaignId: String(r.meta_campaign_id),
      onAlreadyMessaged: r.on_already_messaged as AlreadyMessagedPolicy,
      budgetType: (r.budget_type as string | null) ?? null,
      budgetAmount: r.budget_amount === null ? null : Number(r.budget_amount),
      pricePerMessage: Number(r.price_per_message),
      fanoutDone: Number(r.fanout_done) === 1 || r.fanout_done === true,
      content: JSON.parse(String(r.content)) as CampaignContent,
    }));
  }

  /**
   * Sends every row of the campaign that is due now. A feeder claims the next batch while the
   * senders work through the current one; the campaign's status is read again at every claim, so a
   * pause or cancel stops it within one batch (rows claimed but not yet sent go back to pending).
   */
  private async drain(c: RunningCampaign): Promise<number> {
    const settings = await this.settings.forPage(c.pageId);
    const creds = await this.pages.marketingCredentials(c.pageId).catch(async (error: unknown) => {
      if (!(error instanceof DomainError)) throw error;
      // The Page lost its ad account or system-user token: nothing can be sent until the shop fixes it.
      await this.pauseCampaign(c.id, 'page_not_ready', error.message, undefined);
      return undefined;
    });
    if (!creds) return 0;
    let messages: MessageBuilder;
    try {
      // Each recipient's message is its variant's content with its own tracked-link codes (CampaignMessages).
      messages = await this.messages.forCampaign(c.id, c.content);
    } catch (error) {
      // Content the builders refuse (it reached the database around checkCampaignContent): built once,
      // before any row is claimed, so no delivery is left uncertain or holding its daily slot.
      if (!(error instanceof RangeError)) throw error;
      await this.pauseCampaign(c.id, 'content_not_sendable', error.message, undefined);
      return 0;
    }
    const concurrency = Math.max(1, settings.concurrency);
    const batchSize = Math.min(200, Math.max(10, concurrency * 2));
    // Sends answered but not yet written are uncertain if the process dies: at most one flush of them
    // (no more than the concurrency) beside the calls in flight.
    const flushEvery = Math.min(FLUSH_EVERY, concurrency);
    const queue: ReadyItem[] = [];
    let results: RowResult[] = [];
    let exhausted = false;
    let stop = false;
    let sent = 0;
    let refilling: Promise<void> | undefined;
    let failure: unknown;
    const marks = new AttemptMarks((rows) => this.claimer.markAttempted(rows));

    const refill = (): Promise<void> =>
      (refilling ??= (async () => {
        try {
          const room = await this.campaignRoom(c);
          if (room === 0) {
            stop = true;
            return;
          }
          const batch = await this.claimer.claimBatch(c.id, Math.min(batchSize, room), this.workerId);
          if (batch.ids.length === 0) {
            exhausted = true;
            return;
          }
          let prepared: Awaited<ReturnType<BroadcastWorker['prepare']>>;
          try {
            prepared = await this.prepare(c, settings, batch.owner, batch.ids);
          } catch (error) {
            // Nothing of this batch was sent (a deadlock, a lost connection): give it back now rather than
            // wait for its lease to run out.
            await this.releaseUnsent(batch.owner, batch.ids).catch(() => undefined);
            throw error;
          }
          results.push(...prepared.done);
          queue.push(...prepared.ready);
        } catch (error) {
          failure ??= error;
          stop = true;
        }
      })().finally(() => {
        refilling = undefined;
      }));

    const flush = async (): Promise<void> => {
      if (results.length === 0) return;
      const batch = results;
      results = [];
      sent += await this.writeResults(c, batch);
    };

    const sender = async (): Promise<void> => {
      for (;;) {
        if (stop) return;
        if (queue.length < batchSize && !exhausted && !refilling) void refill();
        const item = queue.shift();
        if (!item) {
          if (exhausted && !refilling) return;
          await (refilling ?? refill());
          continue;
        }
        try {
          await this.pacer.acquire(c.pageId, settings.ratePerSecond);
        } catch (error) {
          failure ??= error;
          stop = true;
        }
        if (stop) {
          queue.unshift(item);
          return;
        }
        // The row counts as attempted only now, right before its own call: a crash before this line
        // leaves it claimed but unattempted, and the lease sweep gives it back to pending.
        let ours: boolean;
        try {
          ours = await marks.start({ id: item.id, owner: item.owner });
        } catch (error) {
          failure ??= error;
          stop = true;
          queue.unshift(item);
          return;
        }
        // Its lease ran out and it was given back (or taken by another worker): not ours to send.
        if (!ours) {
          this.metrics.leaseLosses.inc({ outcome: 'lost_before_send' });
          continue;
        }
        let outcome: SendOutcome;
        try {
          const answer = await this.graph.sendMarketingMessage(creds.systemUserToken, creds.adAccountId, {
            messageCampaignId: c.metaCampaignId,
            subscriptionToken: item.token,
            message: messages.build(item.variant, item.id),
          });
          outcome = answer.ok ? { kind: 'sent', trackingId: answer.value.trackingId } : decideSendOutcome(answer.error, this.clock.now());
        } catch (error) {
          // Not a platform answer but a bug: whether it went out is unknown, so never resend it.
          failure ??= error;
          stop = true;
          outcome = {
            kind: 'uncertain',
            error: { kind: 'unknown', code: 0, message: error instanceof Error ? error.message : String(error) },
          };
        }
        this.metrics.sends.inc({ outcome: outcome.kind, reason: outcomeReason(outcome) });
        if (outcome.kind === 'pause' || outcome.kind === 'hold') stop = true;
        try {
          results.push(await this.resultFor(c, item, outcome));
          if (results.length >= flushEvery) await flush();
        } catch (error) {
          failure ??= error;
          stop = true;
        }
      }
    };

    const unsubscribe = this.signals.onStopped(c.id, () => {
      stop = true;
    });
    let polling = true;
    let endPoll = (): void => undefined;
    const pollEnded = new Promise<void>((resolve) => (endPoll = resolve));
    const poll = (async () => {
      while (polling && !stop) {
        await Promise.race([this.wall.sleep(STATUS_POLL_MS), pollEnded]);
        if (!polling || stop) break;
        const [row] = (await this.dataSource.query('SELECT status FROM campaigns WHERE id = ?', [c.id]).catch(() => [])) as Array<{
          status: string;
        }>;
        if (row && row.status !== 'running') stop = true;
      }
    })();
    try {
      await Promise.all(Array.from({ length: concurrency }, () => sender()));
      await refilling;
    } finally {
      polling = false;
      endPoll();
      unsubscribe();
      await poll;
      // Claimed but never sent: back to pending, their slots given back.
      for (const item of queue.splice(0)) {
        results.push({
          id: item.id,
          owner: item.owner,
          subscriptionId: item.subscriptionId,
          subscriberKey: item.subscriberKey,
          localDay: item.localDay,
          releaseSlot: true,
          write: { status: 'pending', sendAfter: this.clock.now(), reason: null },
        });
      }
      await flush();
    }
    if (failure) throw failure;
    return sent;
  }

  /** A claimed batch that failed before any send: its daily_sends rows and its delivery rows are given back. */
  private async releaseUnsent(owner: string, ids: string[]): Promise<void> {
    const held = (await this.dataSource.query(
      `SELECT d.id, d.subscription_id, s.page_id, s.psid FROM campaign_deliveries d JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.id IN (${ids.map(() => '?').join(',')})`,
      ids,
    )) as Array<{ id: string | number; subscription_id: string; page_id: string; psid: string | null }>;
    await this.releaseDays(held.map((h) => ({ id: String(h.id), subscriberKey: subscriberKey(h.page_id, h.psid, h.subscription_id) })));
    await this.claimer.release(owner, ids);
  }

  /** Deletes the daily_sends rows these deliveries took (by the primary key's prefix, subscriber_key). */
  private async releaseDays(held: Array<{ id: string; subscriberKey: string }>): Promise<void> {
    if (held.length === 0) return;
    await this.dataSource.query(
      `DELETE FROM daily_sends WHERE ${held.map(() => '(subscriber_key = ? AND delivery_id = ?)').join(' OR ')}`,
      held.flatMap((h) => [h.subscriberKey, h.id]),
    );
  }

  /** How many more rows may be claimed now: 0 when the campaign stopped running or its budget is spent. */
  private async campaignRoom(c: RunningCampaign): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT status, hold_until, spend, budget_type, budget_amount FROM campaigns WHERE id = ?', [
      c.id,
    ])) as Array<Record<string, unknown>>;
    if (!row || row.status !== 'running') return 0;
    const hold = SqlDialect.parseOptionalTime(row.hold_until);
    if (hold && hold.getTime() > this.clock.now().getTime()) return 0;
    if (row.budget_type === 'lifetime' && row.budget_amount !== null && c.pricePerMessage > 0) {
      const left = Math.floor((Number(row.budget_amount) - Number(row.spend)) / c.pricePerMessage);
      if (left <= 0) {
        await this.pauseCampaign(c.id, 'budget_reached', 'The campaign reached its lifetime budget', undefined);
        return 0;
      }
      return left;
    }
    return Number.MAX_SAFE_INTEGER;
  }

  /**
   * For a claimed batch: drops recipients who are no longer subscribed (with the reason), then takes
   * each remaining subscriber's local days in daily_sends (see broadcast-time.ts). The primary key
   * (subscriber_key, local_day) does the dedupe across campaigns and processes: a day held by another
   * delivery means "already messaged", deferred to the first free local day or skipped as the campaign
   * says. Meta's 12 hours are checked against the other deliveries holding the subscriber's recent
   * days: each inserts its rows before reading the others', so of two racing sends at least one sees
   * the other and waits. Rows that wait show the moment and the reason (send_after, reason).
   */
  private async prepare(
    c: RunningCampaign,
    settings: BroadcastSettings,
    owner: string,
    ids: string[],
  ): Promise<{ ready: ReadyItem[]; done: RowResult[] }> {
    const now = this.clock.now();
    const readRecipients = (): Promise<Recipient[]> =>
      this.dataSource.query(
        `SELECT d.id, d.subscription_id, d.attempts, d.variant, s.status, s.token_enc, s.token_expires_at, s.page_id, s.psid, s.timezone
           FROM campaign_deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id IN (${ids.map(() => '?').join(',')})`,
        ids,
      ) as Promise<Recipient[]>;
    let rows = await readRecipients();
    // Statuses are read only once every delivery Meta was answered for about these people is applied (a
    // STOP just pressed must not be sent a paid message); whoever is still waiting on one is deferred.
    const psids = [...new Set(rows.flatMap((r) => (r.status === 'active' && r.psid ? [r.psid] : [])))];
    const freshness = psids.length > 0 ? await this.fresh.awaitApplied(c.pageId, psids) : undefined;
    if (freshness?.waited) rows = await readRecipients();
    const unapplied = freshness && !freshness.applied ? freshness : undefined;
    const done: RowResult[] = [];
    const active: typeof rows = [];
    for (const r of rows) {
      if (unapplied && r.psid && unapplied.psids.has(r.psid)) {
        done.push({
          id: String(r.id),
          owner,
          subscriptionId: r.subscription_id,
          subscriberKey: null,
          localDay: null,
          releaseSlot: false,
          write: { status: 'pending', sendAfter: unapplied.retryAt, reason: 'webhooks_pending' },
        });
        continue;
      }
      const expiresAt = SqlDialect.parseOptionalTime(r.token_expires_at);
      const reason =
        r.status === null
          ? 'subscription_deleted'
          : r.status !== 'active'
            ? `subscription_${r.status}`
            : expiresAt && expiresAt <= now
              ? 'token_expired'
              : undefined;
      if (reason)
        done.push({
          id: String(r.id),
          owner,
          subscriptionId: r.subscription_id,
          subscriberKey: null,
          localDay: null,
          releaseSlot: false,
          write: { status: 'skipped', reason },
        });
      else active.push(r);
    }
    if (active.length === 0) return { ready: [], done };

    const days = periodDays(settings.periodHours);
    const todayIn = new Map<string, LocalDate>();
    const recipients = active.map((r) => {
      const zone = this.zoneOf(r.timezone, c.pageTimezone, r.subscription_id);
      let today = todayIn.get(zone);
      if (today === undefined) todayIn.set(zone, (today = localDateOf(now, zone)));
      return { row: r, id: String(r.id), key: subscriberKey(r.page_id!, r.psid, r.subscription_id), zone, today };
    });
    // One lock order for every process (by subscriber, then day), so concurrent inserts do not deadlock.
    const taken = recipients
      .flatMap((x) => daysTakenBy(x.today, days).map((day) => ({ key: x.key, day, id: x.id })))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const t = this.dialect.time(now);
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO daily_sends (subscriber_key, local_day, campaign_id, delivery_id, created_at) VALUES ${taken.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
      taken.flatMap((x) => [x.key, x.day, c.id, x.id, t]),
    );
    const keys = [...new Set(recipients.map((x) => x.key))];
    const since = addDays(
      [...todayIn.values()].reduce((a, b) => (b < a ? b : a)),
      -2,
    );
    const holders = (await this.dataSource.query(
      `SELECT ds.subscriber_key, ds.local_day, ds.delivery_id, d.status, d.sent_at, d.updated_at
         FROM daily_sends ds LEFT JOIN campaign_deliveries d ON d.id = ds.delivery_id
        WHERE ds.subscriber_key IN (${keys.map(() => '?').join(',')}) AND ds.local_day >= ?`,
      [...keys, since],
    )) as Array<{
      subscriber_key: string;
      local_day: string;
      delivery_id: string | number;
      status: string | null;
      sent_at: unknown;
      updated_at: unknown;
    }>;
    const byKey = new Map<string, typeof holders>();
    for (const h of holders) byKey.set(h.subscriber_key, [...(byKey.get(h.subscriber_key) ?? []), h]);

    const ready: ReadyItem[] = [];
    const giveBack: Array<{ id: string; subscriberKey: string }> = [];
    for (const x of recipients) {
      const held = byKey.get(x.key) ?? [];
      const mine = new Set(held.filter((h) => String(h.delivery_id) === x.id).map((h) => h.local_day));
      const others = new Map<string, OtherSend>();
      for (const h of held) {
        const holder = String(h.delivery_id);
        if (holder === x.id) continue;
        const other = others.get(holder) ?? { days: [], sentAt: this.reachedMetaAt(h, now) };
        other.days.push(h.local_day);
        others.set(holder, other);
      }
      const decision = decideDailySlot({
        now,
        zone: x.zone,
        today: x.today,
        days,
        mineHoldsAll: daysTakenBy(x.today, days).every((d) => mine.has(d)),
        others: [...others.values()],
      });
      const base = { id: x.id, owner, subscriptionId: x.row.subscription_id };
      if (decision.allowed) {
        ready.push({
          ...base,
          token: this.cipher.decrypt(x.row.token_enc!),
          attempts: Number(x.row.attempts),
          subscriberKey: x.key,
          localDay: x.today,
          variant: x.row.variant === null ? null : Number(x.row.variant),
        });
        continue;
      }
      if (mine.size > 0) giveBack.push({ id: x.id, subscriberKey: x.key });
      done.push({
        ...base,
        subscriberKey: null,
        localDay: null,
        releaseSlot: false,
        write:
          decision.alreadyMessaged && c.onAlreadyMessaged === 'skip'
            ? { status: 'skipped', reason: 'already_messaged' }
            : { status: 'pending', sendAfter: decision.retryAt, reason: decision.rule },
      });
    }
    await this.releaseDays(giveBack);
    return { ready, done };
  }

  /**
   * When another delivery holding the subscriber's days reached Meta, at the latest: its send time
   * (sent_at is written after the send; uncertain rows by their last update), `now` while it is in
   * flight, null if it sent nothing (a retry keeps its days).
   */
  private reachedMetaAt(h: { status: string | null; sent_at: unknown; updated_at: unknown }, now: Date): Date | null {
    if (h.status === 'sending') return now;
    if (h.status === 'sent' || h.status === 'uncertain')
      return SqlDialect.parseOptionalTime(h.sent_at) ?? SqlDialect.parseOptionalTime(h.updated_at);
    return null;
  }

  /** The subscriber's zone: the one their opt-in reported, else the Page's; an unknown one is logged (once) and replaced. */
  private zoneOf(reported: string | null, pageZone: string, subscriptionId: string): string {
    if (reported && isValidTimeZone(reported)) return reported;
    if (reported && !this.unknownZonesLogged.has(reported)) {
      if (this.unknownZonesLogged.size < 1000) this.unknownZonesLogged.add(reported);
      this.logger.warn({ msg: 'unknown time zone from an opt-in: the Page zone is used', zone: reported, pageZone, subscriptionId });
    }
    return isValidTimeZone(pageZone) ? pageZone : 'UTC';
  }

  /** Turns Meta's answer into the row's next state, acting on the campaign, the Page or the subscription as it says. */
  private async resultFor(c: RunningCampaign, item: ReadyItem, outcome: SendOutcome): Promise<RowResult> {
    const base = {
      id: item.id,
      owner: item.owner,
      subscriptionId: item.subscriptionId,
      subscriberKey: item.subscriberKey,
      localDay: item.localDay,
    };
    const now = this.clock.now();
    switch (outcome.kind) {
      case 'sent':
        return { ...base, releaseSlot: false, write: { status: 'sent', trackingId: outcome.trackingId } };
      case 'skip':
        if (outcome.mark) await this.subscriptions.markFromSend(item.subscriptionId, outcome.mark, now, hashToken(item.token));
        return { ...base, releaseSlot: true, write: { status: 'skipped', reason: outcome.reason, error: outcome.error } };
      case 'defer':
        return {
          ...base,
          releaseSlot: true,
          write: { status: 'pending', sendAfter: outcome.at, reason: outcome.reason, error: outcome.error },
        };
      case 'retry':
        if (item.attempts >= MAX_SEND_ATTEMPTS)
          return { ...base, releaseSlot: true, write: { status: 'failed', reason: 'too_many_attempts', error: outcome.error } };
        return {
          ...base,
          releaseSlot: false,
          write: {
            status: 'pending',
            sendAfter: new Date(now.getTime() + retryBackoffMs(item.attempts)),
            reason: 'retrying',
            error: outcome.error,
          },
        };
      case 'uncertain':
        return { ...base, releaseSlot: false, write: { status: 'uncertain', reason: 'send_outcome_unknown', error: outcome.error } };
      case 'hold':
        if (outcome.scope === 'page') {
          // Every process stops sending for the Page: its running campaigns are held, and its slot
          // line moves past the wait (which also spaces the sends after it when throttling is on).
          const waitMs = Math.max(0, outcome.until.getTime() - now.getTime());
          await this.settings.holdSlots(c.pageId, this.wall.nowMs() + waitMs);
          this.pacer.forget(c.pageId);
          await this.dataSource.query(`UPDATE campaigns SET hold_until = ?, updated_at = ? WHERE page_id = ? AND status = 'running'`, [
            this.dialect.time(outcome.until),
            this.dialect.time(now),
            c.pageId,
          ]);
          this.logger.warn({ msg: 'Page rate-limited by Meta', pageId: c.pageId, until: outcome.until.toISOString() });
        } else {
          await this.dataSource.query('UPDATE campaigns SET hold_until = ?, updated_at = ? WHERE id = ?', [
            this.dialect.time(outcome.until),
            this.dialect.time(now),
            c.id,
          ]);
          this.logger.warn({ msg: 'campaign held by Meta', campaignId: c.id, reason: outcome.reason, until: outcome.until.toISOString() });
        }
        return {
          ...base,
          releaseSlot: true,
          write: {
            status: 'pending',
            sendAfter: outcome.scope === 'campaign' ? outcome.until : now,
            reason: outcome.reason,
            error: outcome.error,
          },
        };
      case 'pause':
        await this.pauseCampaign(c.id, outcome.reason, outcome.error.message, outcome.resumeAt);
        return { ...base, releaseSlot: true, write: { status: 'pending', sendAfter: now, reason: null, error: outcome.error } };
      case 'fail':
        return { ...base, releaseSlot: true, write: { status: 'failed', reason: outcome.reason, error: outcome.error } };
    }
  }

  private async pauseCampaign(id: string, reason: string, message: string, resumeAt: Date | undefined): Promise<void> {
    const changed = await this.dataSource.transaction(async (em) => {
      const paused = await SqlDialect.execute(
        em,
        `UPDATE campaigns SET status = 'paused', pause_reason = ?, pause_message = ?, resume_at = ?, updated_at = ? WHERE id = ? AND status = 'running'`,
        [reason, message.slice(0, 1000), resumeAt ? this.dialect.time(resumeAt) : null, this.dialect.time(this.clock.now()), id],
      );
      if (paused === 1) await this.campaignEvents.paused(em, id, reason);
      return paused;
    });
    if (changed === 1) this.logger.warn({ msg: 'campaign paused', campaignId: id, reason });
  }

  /**
   * Writes a flush of outcomes: one UPDATE for all sent rows (tracking ids in a CASE), one per group
   * of identical other outcomes, the given-back daily_sends slots, and the campaign's running cost.
   * Every write is conditioned on the batch's lease owner, and also applies to a row the lease sweep
   * had made uncertain meanwhile: what the sender knows beats the sweep's guess.
   */
  private async writeResults(c: RunningCampaign, rows: RowResult[]): Promise<number> {
    const now = this.dialect.time(this.clock.now());
    for (const { write } of rows)
      this.metrics.deliveryResults.inc({ status: write.status, reason: 'reason' in write ? (write.reason ?? '') : '' });
    let sent = 0;
    const byOwner = new Map<string, RowResult[]>();
    for (const r of rows) byOwner.set(r.owner, [...(byOwner.get(r.owner) ?? []), r]);
    for (const [owner, group] of byOwner) {
      const sentRows = group.filter((r): r is RowResult & { write: { status: 'sent'; trackingId: string } } => r.write.status === 'sent');
      if (sentRows.length > 0) {
        const cases = sentRows.map(() => 'WHEN ? THEN ?').join(' ');
        sent += await SqlDialect.execute(
          this.dataSource,
          `UPDATE campaign_deliveries SET status = 'sent', tracking_id = CASE id ${cases} END, local_day = CASE id ${cases} END,
             sent_at = ?, reason = NULL, error_code = NULL, error_message = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
           WHERE id IN (${sentRows.map(() => '?').join(',')}) AND lease_owner = ? AND status IN ('sending', 'uncertain')`,
          [
            ...sentRows.flatMap((r) => [r.id, r.write.trackingId]),
            ...sentRows.flatMap((r) => [r.id, r.localDay]),
            now,
            now,
            ...sentRows.map((r) => r.id),
            owner,
          ],
        );
      }
      const others = new Map<string, RowResult[]>();
      for (const r of group) {
        if (r.write.status === 'sent') continue;
        const w = r.write;
        const key = JSON.stringify([
          w.status,
          w.reason,
          w.status === 'pending' ? w.sendAfter.getTime() : 0,
          w.error?.code ?? null,
          w.error?.message ?? null,
        ]);
        others.set(key, [...(others.get(key) ?? []), r]);
      }
      for (const same of others.values()) {
        const w = same[0]!.write;
        if (w.status === 'sent') continue;
        const sendAfter = w.status === 'pending' ? `, send_after = ?` : '';
        await this.dataSource.query(
          `UPDATE campaign_deliveries SET status = ?, reason = ?, error_code = ?, error_message = ?${sendAfter}, updated_at = ?,
             lease_owner = ${w.status === 'uncertain' ? 'lease_owner' : 'NULL'}, lease_until = NULL
           WHERE id IN (${same.map(() => '?').join(',')}) AND lease_owner = ? AND status IN ('sending', 'uncertain')`,
          [
            w.status,
            w.reason,
            w.error ? (w.error.subcode ?? w.error.code) : null,
            w.error ? w.error.message.slice(0, 1000) : null,
            ...(w.status === 'pending' ? [this.dialect.time(w.sendAfter)] : []),
            now,
            ...same.map((r) => r.id),
            owner,
          ],
        );
      }
    }
    await this.releaseDays(rows.flatMap((r) => (r.releaseSlot && r.subscriberKey ? [{ id: r.id, subscriberKey: r.subscriberKey }] : [])));
    if (sent > 0) {
      await this.dataSource.query('UPDATE campaigns SET sent_count = sent_count + ?, spend = spend + ?, updated_at = ? WHERE id = ?', [
        sent,
        sent * c.pricePerMessage,
        now,
        c.id,
      ]);
    }
    return sent;
  }

  /** A running campaign with its audience fanned out and no row left to send (or in flight) is completed. */
  private async completeIfDone(campaignId: string): Promise<void> {
    const open = (await this.dataSource.query(
      // `held`: an A/B test's rest, waiting for the winner.
      `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status IN ('pending', 'sending', 'held') LIMIT 1`,
      [campaignId],
    )) as unknown[];
    if (open.length > 0) return;
    const now = this.dialect.time(this.clock.now());
    const changed = await this.dataSource.transaction(async (em) => {
      const completed = await SqlDialect.execute(
        em,
        `UPDATE campaigns SET status = 'completed', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'running' AND fanout_done = 1`,
        [now, now, campaignId],
      );
      if (completed === 1) await this.campaignEvents.completed(em, campaignId);
      return completed;
    });
    if (changed === 1) this.logger.log({ msg: 'campaign completed', campaignId });
  }

  /** Pending (and A/B-held) rows of canceled campaigns become canceled, a chunk at a time. */
  private async cancelPendingOfCanceled(): Promise<void> {
    const campaigns = (await this.dataSource.query(
      `SELECT DISTINCT c.id FROM campaigns c WHERE c.status = 'canceled' AND EXISTS (SELECT 1 FROM campaign_deliveries d WHERE d.campaign_id = c.id AND d.status IN ('pending', 'held')) LIMIT 20`,
    )) as Array<{ id: string }>;
    const now = this.dialect.time(this.clock.now());
    for (const { id } of campaigns) {
      for (;;) {
        const rows = (await this.dataSource.query(
          `SELECT id FROM campaign_deliveries WHERE campaign_id = ? AND status IN ('pending', 'held') LIMIT ${CANCEL_CHUNK}`,
          [id],
        )) as Array<{ id: string | number }>;
        if (rows.length === 0) break;
        const ids = rows.map((r) => String(r.id));
        await this.dataSource.query(
          `UPDATE campaign_deliveries SET status = 'canceled', reason = 'campaign_canceled', updated_at = ? WHERE id IN (${ids.map(() => '?').join(',')}) AND status IN ('pending', 'held')`,
          [now, ...ids],
        );
      }
    }
  }
}
