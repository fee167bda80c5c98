import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * `pending` (due at send_after) → `sending` (claimed under a lease; `attempted_at` once its call starts) → a final state:
 * `sent` (Meta accepted it; delivered/read/clicked instants follow from webhooks), `skipped` (reason),
 * `failed` (reason), `uncertain` (the send may have reached Meta: never resent, settled by the
 * webhooks), `canceled` (the campaign was canceled before it was sent), `held` (an A/B test's rest: pending
 * once the winner is known, with its variant; see AbTestsService).
 */
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'skipped' | 'failed' | 'uncertain' | 'canceled' | 'held';

/** One recipient of one campaign: the row is the truth about that message. Written with raw SQL by the workers. */
@Entity('campaign_deliveries')
@Index('ux_deliveries_recipient', ['campaignId', 'subscriptionId'], { unique: true })
@Index('ix_deliveries_due', ['campaignId', 'status', 'sendAfter', 'id'])
@Index('ix_deliveries_lease', ['status', 'leaseUntil'])
@Index('ix_deliveries_tracking', ['trackingId'])
export class CampaignDelivery {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'campaign_id', type: 'varchar', length: 36 })
  campaignId!: string;

  @Column({ name: 'subscription_id', type: 'varchar', length: 36 })
  subscriptionId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @UtcDateColumn({ name: 'send_after' })
  sendAfter!: Date;

  /** Counted when claimed. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner!: string | null;

  @UtcDateColumn({ name: 'lease_until', nullable: true })
  leaseUntil!: Date | null;

  /**
   * When this row's own Graph call started (set right before it, cleared by each claim). A `sending` row
   * without it was claimed but never attempted: if its lease runs out it goes back to pending.
   */
  @UtcDateColumn({ name: 'attempted_at', nullable: true })
  attemptedAt!: Date | null;

  /** The subscriber's local day (`YYYY-MM-DD`) this message counted for, once sent. */
  @Column({ name: 'local_day', type: 'varchar', length: 10, nullable: true })
  localDay!: string | null;

  @Column({ name: 'tracking_id', type: 'varchar', length: 64, nullable: true })
  trackingId!: string | null;

  /** Why it was skipped, failed, deferred or left uncertain (a stable code). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ name: 'error_code', type: 'int', nullable: true })
  errorCode!: number | null;

  @Column({ name: 'error_message', type: 'varchar', length: 1000, nullable: true })
  errorMessage!: string | null;

  @UtcDateColumn({ name: 'sent_at', nullable: true })
  sentAt!: Date | null;

  @UtcDateColumn({ name: 'delivered_at', nullable: true })
  deliveredAt!: Date | null;

  @UtcDateColumn({ name: 'read_at', nullable: true })
  readAt!: Date | null;

  @UtcDateColumn({ name: 'clicked_at', nullable: true })
  clickedAt!: Date | null;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
