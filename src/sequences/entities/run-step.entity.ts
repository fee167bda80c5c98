import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';
import type { OnForbidden, RunStepType } from '../step-content';

/**
 * `waiting`: a later step, not scheduled until the one before it finishes; `pending`: due at `due_at`;
 * `sending`: claimed by a worker (lease_owner, lease_until), the send may be under way;
 * `sent` | `skipped` (platform or policy said no: `skip_rule`) | `failed` | `uncertain` (the lease ran
 * out while the send may have reached Meta: never sent again) | `canceled` (the run stopped before it).
 */
export type RunStepStatus = 'waiting' | 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'uncertain' | 'canceled';

@Entity('run_steps')
@Index('ux_run_steps_position', ['runId', 'position'], { unique: true })
@Index('ix_run_steps_due', ['status', 'dueAt'])
export class RunStep {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'run_id', type: 'varchar', length: 36 })
  runId!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'varchar', length: 24 })
  type!: RunStepType;

  @Column({ name: 'delay_seconds', type: 'int' })
  delaySeconds!: number;

  @Column({ name: 'on_forbidden', type: 'varchar', length: 8 })
  onForbidden!: OnForbidden;

  @Column({ name: 'topic_id', type: 'varchar', length: 36, nullable: true })
  topicId!: string | null;

  /** The step's content with the order's fields already filled in. */
  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStepStatus;

  @UtcDateColumn({ name: 'due_at', nullable: true })
  dueAt!: Date | null;

  /** Counted at claim time. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @UtcDateColumn({ name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  /** When this step's send started (cleared by each claim): a `sending` step without it never started, and goes back to pending if its lease runs out. */
  @UtcDateColumn({ name: 'attempted_at', nullable: true })
  attemptedAt!: Date | null;

  @Column({ name: 'message_id', type: 'varchar', length: 128, nullable: true })
  messageId!: string | null;

  @Column({ name: 'skip_rule', type: 'varchar', length: 64, nullable: true })
  skipRule!: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError!: string | null;

  @UtcDateColumn({ name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  /** A flow run's step: the node of the run's flow version it sends; null for a sequence's steps. */
  @Column({ name: 'node_id', type: 'varchar', length: 64, nullable: true })
  nodeId!: string | null;
}
