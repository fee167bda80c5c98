import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * draft → scheduled → running → completed; paused and back to running at any time (also by itself,
 * for a budget or payment problem, with `pause_reason`); canceled from any state but completed.
 */
export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'canceled';
/** What to do with a recipient already messaged in this period by another campaign. */
export type AlreadyMessagedPolicy = 'defer' | 'skip';
export type BudgetType = 'daily' | 'lifetime';
/** `at`: one instant; `local_time`: HH:MM on a date in each recipient's own time zone. */
export type ScheduleType = 'at' | 'local_time';
/** How a series reads its time of day: `local` in each recipient's own zone, `page` in the Page's (or fallback) zone for all. */
export type RecurrenceMode = 'local' | 'page';

/** Whether Meta holds what the campaign row says (see `Campaign.metaSync`). */
export type MetaSyncState = 'synced' | 'pending';

/** A broadcast to one topic of a Page, mirrored by a message campaign on the Page's ad account. */
@Entity('campaigns')
@Index('ix_campaigns_page', ['pageId', 'createdAt'])
@Index('ix_campaigns_due', ['status', 'scheduledAt'])
@Index('ix_campaigns_meta', ['metaCampaignId'])
@Index('ux_campaigns_occurrence', ['parentCampaignId', 'occurrenceDate'], { unique: true })
export class Campaign {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'shop_id', type: 'varchar', length: 36 })
  shopId!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ name: 'topic_id', type: 'varchar', length: 36 })
  topicId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** JSON of CampaignContent, validated when saved. */
  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CampaignStatus;

  @Column({ name: 'on_already_messaged', type: 'varchar', length: 8 })
  onAlreadyMessaged!: AlreadyMessagedPolicy;

  @Column({ name: 'budget_type', type: 'varchar', length: 8, nullable: true })
  budgetType!: BudgetType | null;

  /** Minor units of `currency` (ISO 4217, MINOR_UNITS_RULE); converted to Meta's unit when sent to Meta. */
  @Column({ name: 'budget_amount', type: 'int', nullable: true })
  budgetAmount!: number | null;

  @Column({ name: 'schedule_type', type: 'varchar', length: 16, nullable: true })
  scheduleType!: ScheduleType | null;

  /** When the campaign starts (for `local_time`, the moment the earliest time zone reaches it). */
  @UtcDateColumn({ name: 'scheduled_at', nullable: true })
  scheduledAt!: Date | null;

  @Column({ name: 'local_date', type: 'varchar', length: 10, nullable: true })
  localDate!: string | null;

  @Column({ name: 'local_time', type: 'varchar', length: 5, nullable: true })
  localTime!: string | null;

  @Column({ name: 'fallback_timezone', type: 'varchar', length: 64, nullable: true })
  fallbackTimezone!: string | null;

  @Column({ name: 'meta_campaign_id', type: 'varchar', length: 64, nullable: true })
  metaCampaignId!: string | null;

  @UtcDateColumn({ name: 'meta_created_at', nullable: true })
  metaCreatedAt!: Date | null;

  /**
   * `synced`: Meta holds what this row says. `pending`: a call to Meta was recorded in `metaIntent` and
   * has not been confirmed yet; the reconciler (MetaCampaignSync) finishes it.
   */
  @Column({ name: 'meta_sync', type: 'varchar', length: 16, default: 'synced' })
  metaSync!: MetaSyncState;

  /** JSON of a `MetaIntent`: what we asked Meta (or are about to), and when first asked. */
  @Column({ name: 'meta_intent', type: 'text', nullable: true })
  metaIntent!: string | null;

  /** When the reconciler may next try the intent (also its lease while one process works on it). */
  @UtcDateColumn({ name: 'meta_sync_next_at', nullable: true })
  metaSyncNextAt!: Date | null;

  @Column({ name: 'meta_sync_attempts', type: 'int', default: 0 })
  metaSyncAttempts!: number;

  /** The last failure of the intent's call: an error kind with Meta's code. */
  @Column({ name: 'meta_sync_error', type: 'varchar', length: 255, nullable: true })
  metaSyncError!: string | null;

  /** JSON of the estimate shown before the start (Meta's and ours). */
  @Column({ type: 'text', nullable: true })
  estimate!: string | null;

  /** Minor units of `currency`, taken from the Page when scheduled. */
  @Column({ name: 'price_per_message', type: 'int', default: 0 })
  pricePerMessage!: number;

  /** The Page's ad-account currency (ISO 4217) when scheduled: the currency of every amount of the campaign. */
  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  /** A saved segment narrowing the topic's subscribers (its definition is read at fan-out). */
  @Column({ name: 'segment_id', type: 'varchar', length: 36, nullable: true })
  segmentId!: string | null;

  /** JSON of inline SegmentDefinition conditions, checked when saved (instead of a saved segment). */
  @Column({ name: 'segment_definition', type: 'text', nullable: true })
  segmentDefinition!: string | null;

  /** A series: the RFC 5545 RRULE (no DTSTART) its occurrence dates follow; it sends nothing itself. */
  @Column({ name: 'recurrence_rule', type: 'varchar', length: 500, nullable: true })
  recurrenceRule!: string | null;

  /** A series: HH:MM of each occurrence, read as `recurrenceMode` says. */
  @Column({ name: 'recurrence_time', type: 'varchar', length: 5, nullable: true })
  recurrenceTime!: string | null;

  @Column({ name: 'recurrence_mode', type: 'varchar', length: 8, nullable: true })
  recurrenceMode!: RecurrenceMode | null;

  /** A series: the first local date (YYYY-MM-DD) an occurrence may fall on (the rule's DTSTART). */
  @Column({ name: 'recurrence_from', type: 'varchar', length: 10, nullable: true })
  recurrenceFrom!: string | null;

  /** An occurrence: its series. */
  @Column({ name: 'parent_campaign_id', type: 'varchar', length: 36, nullable: true })
  parentCampaignId!: string | null;

  /** An occurrence: its date in the series (YYYY-MM-DD); unique per series. */
  @Column({ name: 'occurrence_date', type: 'varchar', length: 10, nullable: true })
  occurrenceDate!: string | null;

  @Column({ name: 'audience_size', type: 'int', nullable: true })
  audienceSize!: number | null;

  /** Last subscription id fanned out (keyset); `fanout_done` once the topic is walked. */
  @Column({ name: 'fanout_cursor', type: 'varchar', length: 36, nullable: true })
  fanoutCursor!: string | null;

  @Column({ name: 'fanout_done', type: 'boolean', default: false })
  fanoutDone!: boolean;

  @UtcDateColumn({ name: 'fanout_lease_until', nullable: true })
  fanoutLeaseUntil!: Date | null;

  @Column({ name: 'sent_count', type: 'int', default: 0 })
  sentCount!: number;

  /** Running cost in minor units of `currency`: messages sent × the Page's price per message. */
  @Column({ type: 'int', default: 0 })
  spend!: number;

  @Column({ name: 'pause_reason', type: 'varchar', length: 64, nullable: true })
  pauseReason!: string | null;

  @Column({ name: 'pause_message', type: 'varchar', length: 1000, nullable: true })
  pauseMessage!: string | null;

  /** A pause that ends by itself (daily budget: the next day). */
  @UtcDateColumn({ name: 'resume_at', nullable: true })
  resumeAt!: Date | null;

  /** Meta asked us to wait (pacing, warm-up): no claims before this instant. */
  @UtcDateColumn({ name: 'hold_until', nullable: true })
  holdUntil!: Date | null;

  @UtcDateColumn({ name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @UtcDateColumn({ name: 'finished_at', nullable: true })
  finishedAt!: Date | null;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}

/**
 * The fields of a campaign that has not been scheduled, synced with Meta or run yet: what a new draft,
 * and each occurrence of a recurring series, starts from (`now`: its created/updated time).
 */
export function unstartedCampaignState(now: Date) {
  return {
    status: 'draft' as const,
    scheduleType: null,
    scheduledAt: null,
    localDate: null,
    localTime: null,
    metaCampaignId: null,
    metaCreatedAt: null,
    metaSync: 'synced' as const,
    metaIntent: null,
    metaSyncNextAt: null,
    metaSyncAttempts: 0,
    metaSyncError: null,
    estimate: null,
    audienceSize: null,
    fanoutCursor: null,
    fanoutDone: false,
    fanoutLeaseUntil: null,
    sentCount: 0,
    spend: 0,
    pauseReason: null,
    pauseMessage: null,
    resumeAt: null,
    holdUntil: null,
    startedAt: null,
    finishedAt: null,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<Campaign>;
}
