import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * `active` unless the person stopped (STOP webhook or 2300034), was unsubscribed at the shop's request,
 * Meta called the token invalid (2300004/2300005), or Meta's listing no longer shows it (`unlisted`, reconcile).
 */
export type SubscriptionStatus = 'active' | 'stopped' | 'unsubscribed' | 'invalid' | 'unlisted';
export type SubscriptionSource = 'optin' | 'import';

/**
 * Our call to Meta's unsubscribe for this row: `pending` until Meta confirms it (a worker retries it at
 * `metaUnsubscribeNextAt`), `done`, or `failed` with the reason once retries are exhausted.
 */
export type MetaUnsubscribeStatus = 'pending' | 'done' | 'failed';
/** The row Meta is sent: the person's PSID (all their topics) or this subscription's token. */
export type MetaUnsubscribeBy = 'psid' | 'token';

/**
 * One person's subscription to one topic, with Meta's token (encrypted; `token_hash` finds it again
 * from a webhook or a send error). A re-opt-in replaces the token on the same row: the unique
 * (page_id, psid, topic_id) key keeps one row per person and topic. A token with `token_expires_at`
 * counts as not subscribed from that instant, whatever `status` says.
 */
@Entity('subscriptions')
@Index('ux_subscriptions_person_topic', ['pageId', 'psid', 'topicId'], { unique: true })
@Index('ux_subscriptions_token', ['tokenHash'], { unique: true })
@Index('ix_subscriptions_topic_status', ['topicId', 'status', 'id'])
// Audience counts (migration 1764000028000): cover the walk of a topic, and the lookup from an order summary.
@Index('ix_subscriptions_audience', ['topicId', 'status', 'pageId', 'psid', 'tokenExpiresAt', 'timezone', 'optedInAt'])
@Index('ix_subscriptions_customer_audience', ['pageId', 'psid', 'topicId', 'status', 'tokenExpiresAt', 'timezone', 'optedInAt'])
export class Subscription {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  /** NULL for tokens Meta lists without a PSID (custom-audience uploads). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  psid!: string | null;

  @Column({ name: 'topic_id', type: 'varchar', length: 36 })
  topicId!: string;

  @Column({ name: 'token_enc', type: 'text' })
  tokenEnc!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: SubscriptionStatus;

  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone!: string | null;

  @Column({ name: 'user_token_status', type: 'varchar', length: 16, nullable: true })
  userTokenStatus!: string | null;

  /** Old weekly/monthly tokens only. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  frequency!: string | null;

  @UtcDateColumn({ name: 'token_expires_at', nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ type: 'varchar', length: 16 })
  source!: SubscriptionSource;

  /** The opt-in request this subscription answered, when we sent it (per-rule statistics). */
  @Column({ name: 'optin_request_id', type: 'varchar', length: 36, nullable: true })
  optinRequestId!: string | null;

  @UtcDateColumn({ name: 'opted_in_at' })
  optedInAt!: Date;

  @UtcDateColumn({ name: 'status_changed_at' })
  statusChangedAt!: Date;

  /**
   * Meta's time of the last status event applied to the row (opt-in, STOP, RESUME, a send's 2300034,
   * a listing): only a newer event moves `status` again, since deliveries arrive late and out of order.
   * NULL for rows written before it was kept (any event applies).
   */
  @UtcDateColumn({ name: 'status_event_at', nullable: true })
  statusEventAt!: Date | null;

  /** Last time Meta's token listing showed this token (import and nightly reconcile). */
  @UtcDateColumn({ name: 'last_listed_at', nullable: true })
  lastListedAt!: Date | null;

  /** NULL until the shop asks to unsubscribe this row at Meta. */
  @Column({ name: 'meta_unsubscribe_status', type: 'varchar', length: 8, nullable: true })
  metaUnsubscribeStatus!: MetaUnsubscribeStatus | null;

  @Column({ name: 'meta_unsubscribe_by', type: 'varchar', length: 8, nullable: true })
  metaUnsubscribeBy!: MetaUnsubscribeBy | null;

  /** Calls made to Meta for this unsubscribe (a worker claim counts one). */
  @Column({ name: 'meta_unsubscribe_attempts', type: 'int', default: 0 })
  metaUnsubscribeAttempts!: number;

  /** While pending: when the next call may be made (a claim moves it past its lease). */
  @UtcDateColumn({ name: 'meta_unsubscribe_next_at', nullable: true })
  metaUnsubscribeNextAt!: Date | null;

  /** Why the last call did not count as done: an error kind, or `invalid_rows` (Meta did not match the row). */
  @Column({ name: 'meta_unsubscribe_error', type: 'varchar', length: 255, nullable: true })
  metaUnsubscribeError!: string | null;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
