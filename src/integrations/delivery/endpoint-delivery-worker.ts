import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../../../config/app-config';
import { InjectConfig } from '../../common/app-config.provider';
import { Clock } from '../../common/clock';
import { SerialPoller } from '../../common/serial-poller';
import { TokenCipher } from '../../common/token-cipher';
import { EndpointDeliveryClaimer, type ClaimedDelivery } from './endpoint-delivery-claimer';
import { EndpointPoster, POST_TIMEOUT_MS } from './endpoint-poster';

/** Real time between passes; due times are compared with the injected Clock. */
const POLL_MS = 1_000;
/** Queue heads claimed (and posted at once) per round. */
const BATCH = 16;
/** Rounds per pass: each round takes the next event of every queue whose head was just delivered. */
const MAX_ROUNDS = 100;
/** Longer than one POST can take, so a live pass never loses its rows to the sweep. */
export const DELIVERY_LEASE_MS = 4 * POST_TIMEOUT_MS;
/** Events (and their deliveries) are kept this long, for the deliveries list and redeliveries. */
export const KEEP_EVENTS_MS = 30 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

/** The wait before attempt `attempts + 1`: 30 s, doubling, at most an hour (so about 30 attempts in the day). */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

/**
 * Posts the outbox's deliveries to the shops' endpoints, in processes with the `worker` role: a pass
 * every second (one at a time per process, SerialPoller), each claiming the heads of the queues
 * (EndpointDeliveryClaimer) round after round until nothing is due. A 2xx marks the row delivered;
 * anything else schedules it again with exponential backoff (retryDelayMs), and once the next attempt
 * would fall past its day (give_up_at) it is marked `failed`, which lets the rest of its queue go on.
 * Events are kept 30 days (KEEP_EVENTS_MS) once nothing is left to deliver.
 * `runDue()` is the same pass for tests, which move the clock instead of sleeping.
 */
@Injectable()
export class EndpointDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EndpointDeliveryWorker.name);
  private readonly instance = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private passes = 0;
  private prunedAt = 0;
  private readonly poller = new SerialPoller(
    () => this.pass(),
    (error) => this.logger.error(error instanceof Error ? error : String(error)),
  );

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly claimer: EndpointDeliveryClaimer,
    private readonly poster: EndpointPoster,
    private readonly cipher: TokenCipher,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.roles.includes('worker')) this.poller.start(POLL_MS);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.poller.stop();
  }

  /** Posts everything due by the clock's now, in order per queue; returns how many were delivered. */
  runDue(): Promise<number> {
    return this.poller.run();
  }

  private async pass(): Promise<number> {
    await this.claimer.sweepExpiredLeases(this.clock.now());
    await this.pruneHourly();
    let delivered = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const owner = `${this.instance}#${++this.passes}`;
      const now = this.clock.now();
      const rows = await this.claimer.claim(owner, BATCH, now, new Date(now.getTime() + DELIVERY_LEASE_MS));
      if (rows.length === 0) break;
      const outcomes = await Promise.all(rows.map((row) => this.deliver(row, owner)));
      delivered += outcomes.filter(Boolean).length;
    }
    return delivered;
  }

  /** Drops events older than KEEP_EVENTS_MS with nothing left to deliver, a batch an hour (by the Clock). */
  private async pruneHourly(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.claimer.pruneEvents(new Date(now - KEEP_EVENTS_MS));
  }

  private async deliver(row: ClaimedDelivery, owner: string): Promise<boolean> {
    const outcome = await this.poster.post({
      url: row.url,
      secret: this.cipher.decrypt(row.secretEnc),
      envelope: row.envelope,
      eventId: row.eventId,
      eventType: row.eventType,
      timestampS: Math.floor(this.clock.now().getTime() / 1000),
    });
    const at = this.clock.now();
    if (outcome.ok) {
      await this.claimer.delivered(row, owner, outcome.status, at);
      return true;
    }
    const retryAt = new Date(at.getTime() + retryDelayMs(row.attempts));
    await this.claimer.notDelivered(row, owner, outcome, retryAt, at);
    const givenUp = retryAt.getTime() >= row.giveUpAt.getTime();
    this.logger.warn({
      msg: givenUp ? 'event delivery given up' : 'event delivery failed, will retry',
      deliveryId: row.id,
      endpointId: row.endpointId,
      eventId: row.eventId,
      attempts: row.attempts,
      error: outcome.error,
      ...(givenUp ? {} : { retryAt: retryAt.toISOString() }),
    });
    return false;
  }
}
