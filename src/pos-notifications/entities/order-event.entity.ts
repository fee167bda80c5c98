import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/** `dispatched`: a run was started (run_id); `skipped`: not asked, for `skip_reason` (e.g. window_closed). */
export type OrderEventOutcome = 'dispatched' | 'skipped';

/**
 * The outbox: one row per order event per matching rule, written in the transaction that starts its
 * run. The unique (rule, order, status) key makes a repeat of the event "already done".
 */
@Entity('order_events')
@Index('ux_order_events_once', ['ruleId', 'orderId', 'orderStatus'], { unique: true })
@Index('ix_order_events_rule', ['ruleId', 'receivedAt'])
@Index('ix_order_events_run', ['runId'])
export class OrderEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'rule_id', type: 'varchar', length: 36 })
  ruleId!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  @Column({ name: 'order_status', type: 'varchar', length: 16 })
  orderStatus!: string;

  @Column({ name: 'previous_status', type: 'varchar', length: 16, nullable: true })
  previousStatus!: string | null;

  @Column({ type: 'varchar', length: 64 })
  psid!: string;

  @UtcDateColumn({ name: 'occurred_at' })
  occurredAt!: Date;

  @UtcDateColumn({ name: 'received_at' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  outcome!: OrderEventOutcome;

  @Column({ name: 'skip_reason', type: 'varchar', length: 64, nullable: true })
  skipReason!: string | null;

  /** e.g. `never_wrote` or `expired` for window_closed. */
  @Column({ name: 'skip_detail', type: 'varchar', length: 64, nullable: true })
  skipDetail!: string | null;

  @Column({ name: 'run_id', type: 'varchar', length: 36, nullable: true })
  runId!: string | null;
}
