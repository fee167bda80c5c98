import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MINOR_UNITS_RULE } from '../../common/money';
import { IsMinorUnits } from '../../common/money-validation';
import { IsCalendarDate, IsCheckedBy, IsInstant, IsName } from '../../common/validators';
import { IsSegmentDefinition, SEGMENT_DEFINITION_DOC } from '../../audience/dto/audience.dto';
import { contentProblems, type CampaignContent } from '../campaign-content';
import type { LocalTimeWave } from '../local-time-waves';
import type { DeliveryStatus } from '../entities/campaign-delivery.entity';
import type {
  AlreadyMessagedPolicy,
  BudgetType,
  Campaign,
  CampaignStatus,
  MetaSyncState,
  RecurrenceMode,
} from '../entities/campaign.entity';

/** A campaign content held to checkCampaignContent, each problem named by its path (`content.elements.1.title`). */
export const IsCampaignContent = (): PropertyDecorator => IsCheckedBy('isCampaignContent', contentProblems);

export class BudgetDto {
  @ApiProperty({ enum: ['daily', 'lifetime'] })
  @IsIn(['daily', 'lifetime'])
  type!: BudgetType;

  @ApiProperty({
    description: `In the Page's (ad account's) currency: ${MINOR_UNITS_RULE}. ₱500.00 is 50000. Converted to Meta's unit for the currency when sent (https://developers.facebook.com/docs/marketing-api/currencies); an amount Meta cannot hold exactly (a fraction of a forint) is a 400.`,
    example: 50000,
  })
  @IsMinorUnits()
  @Min(1)
  @Max(2_000_000_000)
  amount!: number;
}

export class CreateCampaignDto {
  @ApiProperty({ example: 'Payday sale' })
  @IsName(200)
  name!: string;

  @ApiProperty({ description: 'The topic whose subscribers receive it' })
  @IsString()
  @Length(1, 36)
  topicId!: string;

  @ApiProperty({
    description:
      "{type:'text', text (≤640)} | {type:'image', imageUrl} | {type:'generic', elements: 1-10 cards {title, subtitle?, imageUrl?, defaultActionUrl?, buttons?: ≤3 {type:'web_url', title, url} | {type:'postback', title, payload}}}. {{first_name}}, {{last_name}}, {{full_name}} are allowed in text, titles and subtitles, not in buttons.",
    example: { type: 'text', text: 'Hi {{first_name}}, payday sale: 20% off today only!' },
  })
  @IsCampaignContent()
  content!: Record<string, unknown>;

  @ApiPropertyOptional({ type: BudgetDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => BudgetDto)
  budget?: BudgetDto;

  @ApiPropertyOptional({
    enum: ['defer', 'skip'],
    description: 'A subscriber another campaign already messaged this period: wait for the next period (default) or skip them',
  })
  @IsOptional()
  @IsIn(['defer', 'skip'])
  onAlreadyMessaged?: AlreadyMessagedPolicy;

  @ApiPropertyOptional({
    description: "A saved segment of the Page narrowing the topic's subscribers (not with `segment`); null removes it",
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  segmentId?: string | null;

  @ApiPropertyOptional({
    description: `Inline audience conditions (not with segmentId): ${SEGMENT_DEFINITION_DOC}`,
    nullable: true,
    type: Object,
  })
  @IsOptional()
  @IsSegmentDefinition()
  segment?: Record<string, unknown> | null;
}

export class UpdateCampaignDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Drafts only' })
  @IsOptional()
  @IsCampaignContent()
  content?: Record<string, unknown>;

  @ApiPropertyOptional({ type: BudgetDto, description: 'Also on a scheduled or paused campaign (raise it, then resume); Meta is told' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BudgetDto)
  budget?: BudgetDto;

  @ApiPropertyOptional({ enum: ['defer', 'skip'] })
  @IsOptional()
  @IsIn(['defer', 'skip'])
  onAlreadyMessaged?: AlreadyMessagedPolicy;

  @ApiPropertyOptional({
    description: "A saved segment of the Page narrowing the topic's subscribers (not with `segment`); drafts only; null removes it",
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  segmentId?: string | null;

  @ApiPropertyOptional({
    description: `Inline audience conditions (not with segmentId): ${SEGMENT_DEFINITION_DOC}`,
    nullable: true,
    type: Object,
  })
  @IsOptional()
  @IsSegmentDefinition()
  segment?: Record<string, unknown> | null;
}

export class ScheduleCampaignDto {
  @ApiPropertyOptional({
    description: 'Start at this instant (ISO 8601). Neither at nor localTime: as soon as Meta allows (one hour of warm-up).',
  })
  @IsOptional()
  @IsInstant()
  at?: string;

  @ApiPropertyOptional({ description: "HH:MM in each recipient's own time zone, on `date`", example: '09:00' })
  @IsOptional()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'localTime must be HH:MM (24 h)' })
  localTime?: string;

  @ApiPropertyOptional({ description: 'YYYY-MM-DD, with localTime', example: '2026-06-02' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({
    description: "IANA zone for subscribers whose opt-in reported none or an unknown one (default: the Page's timezone)",
    example: 'Asia/Manila',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  fallbackTimezone?: string;
}

/** Makes a draft a series that repeats on a calendar rule; each date becomes a campaign (an occurrence) of its own. */
export class RepeatCampaignDto {
  @ApiProperty({
    description:
      'RFC 5545 RRULE (https://www.rfc-editor.org/rfc/rfc5545#section-3.3.10), dates only: FREQ=YEARLY, MONTHLY or WEEKLY with BYMONTH, BYMONTHDAY, BYDAY, INTERVAL, COUNT, UNTIL',
    example: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1',
  })
  @IsString()
  @Length(1, 500)
  rule!: string;

  @ApiProperty({ description: 'HH:MM (24 h) of each occurrence', example: '09:00' })
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'time must be HH:MM (24 h)' })
  time!: string;

  @ApiPropertyOptional({
    enum: ['local', 'page'],
    description:
      "`local` (default): at `time` in each recipient's own zone; `page`: at `time` in fallbackTimezone (default the Page's zone) for everyone",
  })
  @IsOptional()
  @IsIn(['local', 'page'])
  mode?: RecurrenceMode;

  @ApiPropertyOptional({
    description: "First date an occurrence may fall on (YYYY-MM-DD); default today in the Page's zone",
    example: '2026-06-01',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    description: "IANA zone: for subscribers with no zone (`local`), or the zone of `time` (`page`); default the Page's",
    example: 'Asia/Ho_Chi_Minh',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  fallbackTimezone?: string;
}

export class CampaignRecurrence {
  @ApiProperty() rule!: string;
  @ApiProperty() time!: string;
  @ApiProperty({ enum: ['local', 'page'] }) mode!: RecurrenceMode;
  @ApiProperty() from!: string;
  @ApiProperty({ nullable: true, type: String }) fallbackTimezone!: string | null;
}

const IN_MINOR = `in the campaign's currency: ${MINOR_UNITS_RULE}`;

export class EstimateOurs {
  @ApiProperty({ description: `The Page's price of one marketing message, ${IN_MINOR}` }) pricePerMessage!: number;
  @ApiProperty({ description: `audience × pricePerMessage, ${IN_MINOR}` }) cost!: number;
}

/** Meta's message_delivery_estimate, its costs converted from Meta's unit for the currency. */
export class EstimateMeta {
  @ApiPropertyOptional() deliveryLowerBound?: number;
  @ApiPropertyOptional() deliveryUpperBound?: number;
  @ApiPropertyOptional({ description: IN_MINOR }) costLowerBound?: number;
  @ApiPropertyOptional({ description: IN_MINOR }) costUpperBound?: number;
  @ApiPropertyOptional({ description: "Meta's estimate_status (READY, or not yet)" }) status?: string;
  @ApiPropertyOptional({ description: "Meta's error kind when it gave no estimate" }) error?: string;
}

export class CampaignEstimate {
  @ApiProperty({ description: 'Active, unexpired subscribers of the topic' }) audience!: number;
  @ApiProperty({ description: "ISO 4217 code of the Page's ad account: the currency of every amount here" }) currency!: string;
  @ApiProperty({ type: EstimateOurs }) ours!: EstimateOurs;
  @ApiProperty({ type: EstimateMeta }) meta!: EstimateMeta;
  @ApiProperty() at!: string;
}

export class CampaignCost {
  @ApiProperty({ description: "ISO 4217 code of the Page's ad account when scheduled" }) currency!: string;
  @ApiProperty({ description: `Price of one message, ${IN_MINOR}` }) pricePerMessage!: number;
  @ApiProperty({ description: `Messages sent × pricePerMessage, ${IN_MINOR}` }) spent!: number;
  @ApiProperty({ description: 'Messages sent' }) sent!: number;
  @ApiProperty({ nullable: true, type: Number, description: `The budget's amount, ${IN_MINOR}` }) budget!: number | null;
}

export class CampaignSpend {
  @ApiProperty({ description: "ISO 4217 code of the Page's ad account when scheduled" }) currency!: string;
  @ApiProperty({ description: `Messages sent × price per message, ${IN_MINOR}` }) spent!: number;
  @ApiProperty({ nullable: true, type: Number, description: `The budget's amount, ${IN_MINOR}` }) budget!: number | null;
}

/** Meta's insights of the message campaign; money converted from Meta's main-unit decimals. */
export class MetaInsights {
  @ApiProperty() delivered!: number;
  @ApiProperty({ description: 'Percent' }) readRate!: number;
  @ApiProperty() clicks!: number;
  @ApiProperty({ description: IN_MINOR }) spend!: number;
  @ApiProperty({ description: `An average, ${IN_MINOR}; may have a fraction (to 1/100 of a minor unit)` }) costPerDelivered!: number;
}

/** Whether Meta holds what this campaign says; while `pending`, the reconciler is finishing `intent` at Meta. */
export class CampaignMetaSync {
  @ApiProperty({ enum: ['synced', 'pending'] }) state!: MetaSyncState;
  @ApiProperty({ enum: ['create', 'update'], nullable: true, type: String, description: 'The change at Meta not yet confirmed' })
  intent!: 'create' | 'update' | null;
  @ApiProperty({ description: 'Calls made for the current (or last) change, retries included' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String, description: "The last failed call's error kind and Meta's code" }) lastError!:
    string | null;
  @ApiProperty({ nullable: true, type: String, description: 'While pending: when the reconciler tries again (ISO 8601)' })
  nextAttemptAt!: string | null;
}

export class CampaignResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() topicId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: Object }) content!: CampaignContent;
  @ApiProperty({ enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'canceled'] }) status!: CampaignStatus;
  @ApiProperty({ enum: ['defer', 'skip'] }) onAlreadyMessaged!: AlreadyMessagedPolicy;
  @ApiProperty({ type: BudgetDto, nullable: true }) budget!: BudgetDto | null;
  @ApiProperty({ type: Object, nullable: true }) schedule!: {
    type: string;
    at: string | null;
    localDate: string | null;
    localTime: string | null;
    fallbackTimezone: string | null;
  } | null;
  @ApiProperty({ nullable: true, type: String }) metaCampaignId!: string | null;
  @ApiProperty({ type: CampaignMetaSync }) metaSync!: CampaignMetaSync;
  @ApiProperty({ type: CampaignEstimate, nullable: true }) estimate!: CampaignEstimate | null;
  @ApiProperty({ type: CampaignCost }) cost!: CampaignCost;
  @ApiProperty({ type: Object, nullable: true }) pause!: { reason: string | null; message: string | null; resumeAt: string | null } | null;
  @ApiProperty({ nullable: true, type: String, description: 'The saved segment narrowing the audience' }) segmentId!: string | null;
  @ApiProperty({ nullable: true, type: Object, description: 'Inline audience conditions, when not a saved segment' }) segment!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({
    type: CampaignRecurrence,
    nullable: true,
    description: 'A series: the rule its occurrences follow (it sends nothing itself)',
  })
  recurrence!: CampaignRecurrence | null;
  @ApiProperty({ nullable: true, type: Object, description: 'An occurrence: its series and date' })
  occurrence!: { seriesId: string; date: string } | null;
  @ApiProperty({ nullable: true, type: Number }) audienceSize!: number | null;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({
    description:
      'Said when the start was moved to respect Meta’s one-hour warm-up (schedule), or when a series’ first dates are too soon for it and skipped, naming the first date (repeat)',
  })
  notice?: string;

  static of(c: Campaign, notice?: string): CampaignResponse {
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return {
      id: c.id,
      pageId: c.pageId,
      topicId: c.topicId,
      name: c.name,
      content: JSON.parse(c.content) as CampaignContent,
      status: c.status,
      onAlreadyMessaged: c.onAlreadyMessaged,
      budget: c.budgetType && c.budgetAmount !== null ? { type: c.budgetType, amount: c.budgetAmount } : null,
      schedule: c.scheduleType
        ? {
            type: c.scheduleType,
            at: iso(c.scheduledAt),
            localDate: c.localDate,
            localTime: c.localTime,
            fallbackTimezone: c.fallbackTimezone,
          }
        : null,
      metaCampaignId: c.metaCampaignId,
      metaSync: {
        state: c.metaSync,
        intent: c.metaIntent === null ? null : (JSON.parse(c.metaIntent) as { op: 'create' | 'update' }).op,
        attempts: c.metaSyncAttempts,
        lastError: c.metaSyncError,
        nextAttemptAt: c.metaSync === 'pending' ? iso(c.metaSyncNextAt) : null,
      },
      estimate: c.estimate ? (JSON.parse(c.estimate) as CampaignEstimate) : null,
      cost: { currency: c.currency, pricePerMessage: c.pricePerMessage, spent: c.spend, sent: c.sentCount, budget: c.budgetAmount },
      pause: c.status === 'paused' ? { reason: c.pauseReason, message: c.pauseMessage, resumeAt: iso(c.resumeAt) } : null,
      segmentId: c.segmentId,
      segment: c.segmentDefinition ? (JSON.parse(c.segmentDefinition) as Record<string, unknown>) : null,
      recurrence:
        c.recurrenceRule && c.recurrenceTime && c.recurrenceMode && c.recurrenceFrom
          ? {
              rule: c.recurrenceRule,
              time: c.recurrenceTime,
              mode: c.recurrenceMode,
              from: c.recurrenceFrom,
              fallbackTimezone: c.fallbackTimezone,
            }
          : null,
      occurrence: c.parentCampaignId && c.occurrenceDate ? { seriesId: c.parentCampaignId, date: c.occurrenceDate } : null,
      audienceSize: c.audienceSize,
      startedAt: iso(c.startedAt),
      finishedAt: iso(c.finishedAt),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      ...(notice !== undefined && { notice }),
    };
  }
}

/** Why a campaign is paused and when it resumes by itself (ISO 8601), if it does. */
export class CampaignPause {
  @ApiProperty({ nullable: true, type: String, example: 'budget_reached' }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resumeAt!: string | null;
}

/** Pending rows that wait for a later moment for one reason: how many, and the earliest moment one goes. */
export class WaitingRows {
  @ApiProperty() count!: number;
  @ApiProperty({ format: 'date-time' }) nextAt!: string;
}

/** One wave of a `{localTime, date}` campaign (see localTimeWaves). */
export class LocalTimeWaveResponse implements LocalTimeWave {
  @ApiProperty({ format: 'date-time', description: '`localTime` on `date` in these zones, in UTC' }) at!: string;
  @ApiProperty({ type: [String], example: ['Asia/Manila'] }) timezones!: string[];
  @ApiProperty({ description: 'Subscribers still waiting for this wave' }) waiting!: number;
}

/** A campaign's figures, read from its delivery rows (one grouped count) while it runs. */
export class CampaignProgress {
  @ApiProperty() campaignId!: string;
  @ApiProperty({ enum: ['draft', 'scheduled', 'running', 'paused', 'completed', 'canceled'] }) status!: CampaignStatus;
  @ApiProperty({ type: CampaignPause, nullable: true }) pause!: CampaignPause | null;
  @ApiProperty({ description: 'Every recipient has its delivery row' }) fanoutDone!: boolean;
  @ApiProperty({ description: 'Delivery rows (recipients)' }) audience!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() sending!: number;
  @ApiProperty() sent!: number;
  @ApiProperty({ description: "Meta's marketing_message_deliveries webhooks (a read implies delivered)" }) delivered!: number;
  @ApiProperty({ description: "Meta's marketing_message_reads webhooks" }) read!: number;
  @ApiProperty() clicked!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { token_expired: 1 } })
  failedByReason!: Record<string, number>;
  @ApiProperty() skipped!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { already_messaged: 2 } })
  skippedByReason!: Record<string, number>;
  /**
   * Pending rows that wait for a later moment, by reason (`already_messaged`: the subscriber's local day
   * is taken; `meta_12h_spacing`: Meta's 12 hours since their last message; `too_early`, `retrying`, …;
   * `ab_test_winner`: an A/B test's rest, whose moment is the test's decision, `decideAfter`),
   * with how many and the earliest moment one of them goes (ISO 8601, UTC).
   */
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/WaitingRows' },
    description:
      "Pending rows waiting for a later moment, by reason (`already_messaged`, `meta_12h_spacing`, `retrying`, …; `ab_test_winner`: an A/B test's rest, until its decision)",
  })
  waitingByReason!: Record<string, WaitingRows>;
  @ApiProperty({
    type: [LocalTimeWaveResponse],
    description:
      "A campaign sent at each subscriber's local hour: when each time zone's wave goes and how many wait for it, earliest first; [] otherwise",
  })
  waves!: LocalTimeWaveResponse[];
  @ApiProperty() uncertain!: number;
  @ApiProperty() canceled!: number;
  @ApiProperty({ type: CampaignSpend }) cost!: CampaignSpend;
  @ApiProperty({ description: 'Messages sent per second over the last minute' }) ratePerSecond!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      "Seconds until every recipient is sent: pending ÷ rate while it sends, and at least until the last local-time wave goes and an A/B test's decision (`decideAfter`); null when it cannot be told (paused, or nothing sent in the last minute and no wave or decision to wait for)",
  })
  secondsLeft!: number | null;
}

/** One recipient's delivery row (`GET …/deliveries`). */
export class DeliveryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty({ enum: ['pending', 'sending', 'sent', 'skipped', 'failed', 'uncertain', 'canceled'] }) status!: DeliveryStatus;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'already_messaged',
    description: 'Why it waits, was skipped, failed or is uncertain',
  })
  reason!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "Meta's error code" }) errorCode!: number | null;
  @ApiProperty({ nullable: true, type: String }) errorMessage!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ format: 'date-time', description: 'When a pending row goes next (`reason` says why it waits)' }) sendAfter!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-06-02', description: "The subscriber's local day it counted for, once sent" })
  localDay!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "Meta's marketing_message_tracking_id" }) trackingId!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt!: string | null;
}

export class DeliveryPageResponse {
  @ApiProperty({ type: [DeliveryResponse] }) items!: DeliveryResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last' })
  nextCursor!: string | null;
}

/** Meta's insights beside our own figures; `meta` is null before Meta holds the campaign, `{ error }` when Meta could not answer. */
export class CampaignInsightsResponse {
  @ApiProperty({
    nullable: true,
    oneOf: [
      { $ref: '#/components/schemas/MetaInsights' },
      { type: 'object', properties: { error: { type: 'string', example: 'transient' } }, required: ['error'] },
    ],
  })
  meta!: MetaInsights | { error: string } | null;
  @ApiProperty({ type: CampaignProgress }) ours!: CampaignProgress;
}
