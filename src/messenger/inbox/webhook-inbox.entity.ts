import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed';

/**
 * Every signed webhook delivery, written before Meta gets its 200. `body_hash` is unique, so Meta's
 * redelivery of the same bytes is stored once. A row moves pending → processing (leased) → done, or back
 * to pending with a later `next_attempt_at` when a listener failed, and to failed after too many tries.
 */
@Entity('webhook_inbox')
export class WebhookInboxRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'body_hash', type: 'varchar', length: 64 })
  bodyHash!: string;

  /** The raw body, encrypted with TokenCipher (opt-in webhooks carry subscription tokens). */
  @Column({ type: 'text' })
  body!: string;

  /**
   * The ids the delivery names, as `,psid,page,…,` (webhookSubjects), so that a decision can find what
   * is acknowledged but not yet applied for its person (FreshState). NULL on rows stored before it existed.
   */
  @Column({ type: 'text', nullable: true })
  subjects!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: InboxStatus;

  @Column({ type: 'int' })
  attempts!: number;

  @UtcDateColumn({ name: 'received_at' })
  receivedAt!: Date;

  /** When a sweep may take the row; WANTED_AT (the epoch) when a decision in an `api`-only process is waiting for it. */
  @UtcDateColumn({ name: 'next_attempt_at' })
  nextAttemptAt!: Date;

  @UtcDateColumn({ name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  /** The claim that holds the row (one per batch claim), so the claimer can read back exactly its rows. */
  @Column({ name: 'claimed_by', type: 'varchar', length: 36, nullable: true })
  claimedBy!: string | null;

  @UtcDateColumn({ name: 'processed_at', nullable: true })
  processedAt!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
