import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * One marketing message to one subscription in one period (the Page's `period_hours`, aligned to
 * the epoch). The primary key enforces "at most one per subscriber per period across all campaigns":
 * the row is inserted before the send; a duplicate key means "already messaged".
 */
@Entity('daily_sends')
export class DailySend {
  @PrimaryColumn({ name: 'subscription_id', type: 'varchar', length: 36 })
  subscriptionId!: string;

  @PrimaryColumn({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart!: Date;

  @Column({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId!: string;

  @Column({ name: 'delivery_id', type: 'bigint' })
  deliveryId!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
