import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { TokenCipher } from '../../common/token-cipher';
import { SqlDialect } from '../../database/sql-dialect';
import { InboxProcessor } from './inbox-processor.service';

/** How long a row waits for the process that stored it before any process's sweep may take it. */
export const FRESH_ROW_GRACE_MS = 30_000;
/** Deliveries written by one INSERT at most; a burst is stored in a few commits instead of one each. */
const MAX_BATCH = 200;

interface Waiting {
  hash: string;
  body: string;
  done: { resolve: () => void; reject: (error: unknown) => void };
}

/**
 * Stores verified deliveries (the one write before the 200) and hands them to this process's processor.
 * Deliveries that arrive while a write is in progress are stored together by the next one (group commit):
 * each caller still gets its answer only after its row is committed. A redelivery of bytes already stored
 * is dropped by the unique body hash and answered like the first.
 */
@Injectable()
export class WebhookIntake {
  private readonly dialect: SqlDialect;
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly processor: InboxProcessor,
    private readonly cipher: TokenCipher,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  accept(rawBody: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({
        hash: createHash('sha256').update(rawBody).digest('hex'),
        // Opt-in webhooks carry subscription tokens: the stored body is encrypted like every token at rest.
        body: this.cipher.encrypt(rawBody.toString('utf8')),
        done: { resolve, reject },
      });
      if (!this.writing) setImmediate(() => void this.writeWaiting());
    });
  }

  private async writeWaiting(): Promise<void> {
    if (this.writing || this.waiting.length === 0) return;
    this.writing = true;
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
      this.writing = false;
    }
  }

  private async store(batch: Waiting[]): Promise<void> {
    const now = this.clock.now();
    const receivedAt = this.dialect.time(now);
    const dueAt = this.dialect.time(new Date(now.getTime() + FRESH_ROW_GRACE_MS));
    await this.dataSource.query(
      `${this.dialect.insertIgnore()} INTO webhook_inbox (body_hash, body, status, attempts, received_at, next_attempt_at)
       VALUES ${batch.map(() => "(?, ?, 'pending', 0, ?, ?)").join(', ')}`,
      batch.flatMap((w) => [w.hash, w.body, receivedAt, dueAt]),
    );
    // The ids of the rows just stored (MySQL has no RETURNING); a pending duplicate is harmless, claims are atomic.
    const rows = (await this.dataSource.query(
      `SELECT id FROM webhook_inbox WHERE status = 'pending' AND body_hash IN (${batch.map(() => '?').join(', ')})`,
      batch.map((w) => w.hash),
    )) as Array<{ id: string | number }>;
    this.processor.enqueue(rows.map((r) => String(r.id)));
  }
}
