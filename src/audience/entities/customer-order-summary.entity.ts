import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * What segments ask of a customer's orders (per Page and PSID), recomputed from customer_orders in the
 * transaction that applies an order event. Only counted orders (not CANCELED or RETURNED) make the
 * dates, the count and the total; `last_status` is the status of the customer's latest order, whatever it is.
 */
@Entity('customer_order_summaries')
// Audience counts driven from the summaries (migration 1764000028000): every column an order condition tests.
@Index('ix_summaries_audience', ['pageId', 'lastOrderAt', 'ordersCount', 'totalSpent', 'lastStatus'])
export class CustomerOrderSummary {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  psid!: string;

  @UtcDateColumn({ name: 'first_order_at', nullable: true })
  firstOrderAt!: Date | null;

  @UtcDateColumn({ name: 'last_order_at', nullable: true })
  lastOrderAt!: Date | null;

  @Column({ name: 'orders_count', type: 'int', default: 0 })
  ordersCount!: number;

  /** Minor units of `currency` (the shop's), summed over counted orders. */
  @Column({ name: 'total_spent', type: 'bigint', default: 0 })
  totalSpent!: string;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'last_order_id', type: 'varchar', length: 64, nullable: true })
  lastOrderId!: string | null;

  @Column({ name: 'last_status', type: 'varchar', length: 16, nullable: true })
  lastStatus!: string | null;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
