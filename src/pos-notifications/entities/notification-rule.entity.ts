import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';
import type { OrderStatus } from '../order-status';

/** "When an order of this Page reaches this status, send this sequence (which asks for this topic)." */
@Entity('notification_rules')
@Index('ix_notification_rules_match', ['pageId', 'orderStatus', 'active'])
@Index('ix_notification_rules_shop', ['shopId', 'createdAt'])
export class NotificationRule {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'shop_id', type: 'varchar', length: 36 })
  shopId!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ name: 'topic_id', type: 'varchar', length: 36 })
  topicId!: string;

  @Column({ name: 'sequence_id', type: 'varchar', length: 36 })
  sequenceId!: string;

  @Column({ name: 'order_status', type: 'varchar', length: 16 })
  orderStatus!: OrderStatus;

  /** Rules are created inactive; only active ones match order events. */
  @Column({ type: 'boolean' })
  active!: boolean;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
