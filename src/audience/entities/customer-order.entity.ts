import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * One order of a customer as the summaries count it: one row per (Page, order id), whatever statuses it
 * went through, so an order is counted once. `status` is the newest status by the POS's event time
 * (`status_at`); an older or repeated event changes nothing.
 */
@Entity('customer_orders')
@Index('ix_customer_orders_customer', ['pageId', 'psid', 'placedAt'])
export class CustomerOrder {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 64 })
  orderId!: string;

  @Column({ type: 'varchar', length: 64 })
  psid!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: string;

  @UtcDateColumn({ name: 'status_at' })
  statusAt!: Date;

  /** The earliest event time seen for the order: when it was placed, as far as we know. */
  @UtcDateColumn({ name: 'placed_at' })
  placedAt!: Date;

  /** Minor units of the shop's currency; 0 when the POS sent no total or one in another currency. */
  @Column({ type: 'bigint', default: 0 })
  amount!: string;

  /** False while the order is CANCELED or RETURNED. */
  @Column({ type: 'boolean' })
  counted!: boolean;
}
