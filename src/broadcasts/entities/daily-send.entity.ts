import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * One local day of a subscriber taken by one marketing message (a message takes each local day of its
 * period: see broadcast-time.ts). The primary key (subscriber_key, local_day) enforces "at most one
 * message per subscriber per local day, across all campaigns, topics and processes": the rows are
 * inserted before the send; a duplicate key means "already messaged".
 */
@Entity('daily_sends')
export class DailySend {
  /** `page_id/psid`, or `subscription/<id>` for a token Meta listed without a PSID (see subscriberKey). */
  @PrimaryColumn({ name: 'subscriber_key', type: 'varchar', length: 140 })
  subscriberKey!: string;

  /** `YYYY-MM-DD` in the subscriber's zone (the opt-in's, else the Page's). */
  @PrimaryColumn({ name: 'local_day', type: 'varchar', length: 10 })
  localDay!: string;

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
