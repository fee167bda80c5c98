import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * One marketing message to one subscriber in one period (the Page's `period_hours`, aligned to the
 * epoch). The primary key enforces "at most one per subscriber per period across all campaigns and
 * topics": the row is inserted before the send; a duplicate key means "already messaged".
 */
@Entity('daily_sends')
export class DailySend {
  /** `page_id/psid`, or `subscription/<id>` for a token Meta listed without a PSID (see subscriberKey). */
  @PrimaryColumn({ name: 'subscriber_key', type: 'varchar', length: 140 })
  subscriberKey!: string;

  @PrimaryColumn({ name: 'period_start', type: 'datetime', precision: 3 })
  periodStart!: Date;

  @Column({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId!: string;

  @Column({ name: 'delivery_id', type: 'bigint' })
  deliveryId!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}

/** Who "one marketing message per period" counts: the person on the Page, else the lone subscription. */
export function subscriberKey(pageId: string, psid: string | null, subscriptionId: string): string {
  return psid ? `${pageId}/${psid}` : `subscription/${subscriptionId}`;
}
