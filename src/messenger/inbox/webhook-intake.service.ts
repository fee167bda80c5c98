import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../../database/plugin-data-source';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { TokenCipher } from '../../common/token-cipher';
import { SqlDialect } from '../../database/sql-dialect';
import { InboxProcessor } from './inbox-processor.service';
import { webhookSubjects } from './webhook-subjects';

/** How long a row waits for the process that stored it (and will process it) before any other process's sweep may take it. */
export const FRESH_ROW_GRACE_MS = 30_000;
/** Deliveries written by one INSERT at most; a burst is stored in a few commits instead of one each. */
const MAX_BATCH = 200;

interface Waiting {
  hash: string;
  body: string;
  subjects: string;
  done: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * Stores verified deliveries (the one write before the 200). Deliveries that arrive while a write is in
 * progress are stored together by the next one (group commit): each caller still gets its answer only
 * after its row is committed. On MySQL two writes may be in flight, so the next group forms while one
 * commits; SQLite writes synchronously, one at a time. A redelivery of bytes already stored is dropped
 * by the unique body hash and answered like the first.
 *
 * Where this process also processes the inbox (role `worker`), it hands the new rows to its processor and
 * keeps other processes off them for a grace time. An `api`-only process stores rows due at once, for
 * whichever worker's sweep comes first.
 */
@Injectable()
export class WebhookIntake {
  private readonly dialect: SqlDialect;
  private readonly maxWrites: number;
  private waiting: Waiting[] = [];
  private writes = 0;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly processor: InboxProcessor,
    private readonly cipher: TokenCipher,
  ) {
    this.dialect = new SqlDialect(dataSource);
    this.maxWrites = this.dialect.isMysql ? 2 : 1;
  }

  accept(rawBody: Buffer): Promise<void> {
    this.processor.deliveryArriving();
    return new Promise((resolve, reject) => {
      this.waiting.push({
        hash: createHash('sha256').update(rawBody).digest('hex'),
        // Opt-in webhooks carry subscription tokens: the stored body is encrypted like every token at rest.
        body: this.cipher.encrypt(rawBody),
        // Who it concerns, so that decisions about them wait for it (FreshState); ids only, no secrets.
        subjects: webhookSubjects(rawBody),
        done: { resolve, reject },
      });
      // Deferred, so that the deliveries already read from the sockets join this write.
      if (this.waiting.length === 1 && this.writes < this.maxWrites) setImmediate(() => void this.writeWaiting());
    });
  }

  private async writeWaiting(): Promise<void> {
    if (this.writes >= this.maxWrites || this.waiting.length === 0) return;
    this.writes++;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          await this.store(batch);
          batch.forEach((w) => w.done.resolve());
        } catch (error) {
          batch.forEach((w) => w.done.reject(error));
        }
      }
    } finally {
      this.writes--;
    }
  }

  private async store(batch: Waiting[]): Promise<void> {
    const now = this.clock.now();
    const processedHere = this.processor.processesHere;
    const receivedAt = this.dialect.time(now);
    const dueAt = processedHere ? this.dialect.time(new Date(now.getTime() + FRESH_ROW_GRACE_MS)) : receivedAt;
    await SqlDialect.executePrepared(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO webhook_inbox (body_hash, body, subjects, status, attempts, received_at, next_attempt_at)
       VALUES ${batch.map(() => "(?, ?, ?, 'pending', 0, ?, ?)").join(', ')}`,
      batch.flatMap((w) => [w.hash, w.body, w.subjects, receivedAt, dueAt]),
    );
    // The 200s go out now; the processor finds the new rows' ids without holding up the next group.
    if (processedHere) this.processor.takeStored(batch.map((w) => w.hash));
  }
}
