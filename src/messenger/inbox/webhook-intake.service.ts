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

@Injectable()
export class WebhookIntake {
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly processor: InboxProcessor,
    private readonly cipher: TokenCipher,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /**
   * Stores a verified delivery (the one write before the 200) and hands it to this process's processor.
   * Returns false for a redelivery of bytes already stored: the unique body hash dropped it.
   */
  async accept(rawBody: Buffer): Promise<boolean> {
    const now = this.clock.now();
    const id = await SqlDialect.insertReturningId(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO webhook_inbox (body_hash, body, status, attempts, received_at, next_attempt_at)
       VALUES (?, ?, 'pending', 0, ?, ?)`,
      [
        createHash('sha256').update(rawBody).digest('hex'),
        // Opt-in webhooks carry subscription tokens: the stored body is encrypted like every token at rest.
        this.cipher.encrypt(rawBody.toString('utf8')),
        this.dialect.time(now),
        this.dialect.time(new Date(now.getTime() + FRESH_ROW_GRACE_MS)),
      ],
    );
    if (id === undefined) return false;
    this.processor.enqueue(id);
    return true;
  }
}
