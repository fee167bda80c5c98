import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PSID_PATTERN } from '../../common/validators';
import { TopicCounts } from '../../topics/dto/topic.dto';
import type { MetaUnsubscribeStatus, Subscription } from '../entities/subscription.entity';
import type { MetaUnsubscribeState } from '../meta-unsubscriber';

export const SUBSCRIBER_FILTERS = ['active', 'stopped', 'unsubscribed', 'expired', 'invalid', 'unlisted'] as const;
export type SubscriberFilter = (typeof SUBSCRIBER_FILTERS)[number];

export class ListSubscribersQueryDto {
  @ApiPropertyOptional({ enum: SUBSCRIBER_FILTERS })
  @IsOptional()
  @IsIn(SUBSCRIBER_FILTERS)
  status?: SubscriberFilter;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  after?: string;
}

/** The shop's unsubscribe of this subscriber at Meta (POST /<PAGE_ID>/messaging_customer_base/unsubscribe). */
export class MetaUnsubscribeResponse {
  @ApiProperty({
    enum: ['pending', 'done', 'failed'],
    description: 'pending: not confirmed by Meta yet, retried by a worker; done: Meta confirmed it; failed: retries exhausted',
  })
  status!: MetaUnsubscribeStatus;
  @ApiProperty({ description: 'Calls made to Meta so far' }) attempts!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Why the last call did not count as done: an error kind with Meta's code (e.g. 'transient (2)'), or 'invalid_rows'",
  })
  error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'ISO 8601; while pending, when the next call is due' }) nextAttemptAt!:
    string | null;

  static of(state: MetaUnsubscribeState): MetaUnsubscribeResponse {
    return {
      status: state.status,
      attempts: state.attempts,
      error: state.error,
      nextAttemptAt: state.nextAttemptAt?.toISOString() ?? null,
    };
  }
}

export class SubscriberResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) psid!: string | null;
  @ApiProperty({ enum: SUBSCRIBER_FILTERS, description: "'expired' when the token's expiry has passed" }) status!: SubscriberFilter;
  @ApiProperty({ nullable: true, type: String }) timezone!: string | null;
  @ApiProperty({ enum: ['optin', 'import'] }) source!: string;
  @ApiProperty() optedInAt!: string;
  @ApiProperty() statusChangedAt!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "Meta's time of the status event (opt-in, STOP, RESUME, send error, listing) the status comes from; only a newer one changes it",
  })
  statusEventAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) tokenExpiresAt!: string | null;
  @ApiProperty({ type: MetaUnsubscribeResponse, nullable: true, description: 'null until the shop unsubscribes this subscriber' })
  metaUnsubscribe!: MetaUnsubscribeResponse | null;

  static of(s: Subscription, at: Date): SubscriberResponse {
    const expired = s.status === 'active' && s.tokenExpiresAt !== null && s.tokenExpiresAt <= at;
    return {
      id: s.id,
      psid: s.psid,
      status: expired ? 'expired' : s.status,
      timezone: s.timezone,
      source: s.source,
      optedInAt: s.optedInAt.toISOString(),
      statusChangedAt: s.statusChangedAt.toISOString(),
      statusEventAt: s.statusEventAt?.toISOString() ?? null,
      tokenExpiresAt: s.tokenExpiresAt?.toISOString() ?? null,
      metaUnsubscribe:
        s.metaUnsubscribeStatus === null
          ? null
          : MetaUnsubscribeResponse.of({
              status: s.metaUnsubscribeStatus,
              attempts: s.metaUnsubscribeAttempts,
              error: s.metaUnsubscribeError,
              nextAttemptAt: s.metaUnsubscribeNextAt,
            }),
    };
  }
}

export class SubscriberPageResponse {
  @ApiProperty({ type: [SubscriberResponse] }) items!: SubscriberResponse[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `after` for the next page; null on the last' }) nextCursor!:
    string | null;
  @ApiProperty({ type: TopicCounts }) counts!: TopicCounts;
}

/** Either the person (all their subscriptions on the Page) or one subscription. */
export class UnsubscribeDto {
  @ApiPropertyOptional()
  @ValidateIf((o: UnsubscribeDto) => o.subscriptionId === undefined)
  @Matches(PSID_PATTERN, { message: 'psid must be the numeric PSID or IGSID (or give subscriptionId)' })
  psid?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  subscriptionId?: string;
}

/** Locally the customer is unsubscribed at once, whatever Meta answers; `meta` is where Meta's side stands. */
export class UnsubscribeResponse {
  @ApiProperty({ description: 'Subscriptions (topics) of the customer now unsubscribed here' }) unsubscribed!: number;
  @ApiProperty({ type: MetaUnsubscribeResponse }) meta!: MetaUnsubscribeResponse;
}

/** What an import or reconcile of Meta's token listing did. */
export class ImportResultResponse {
  @ApiProperty({ description: 'Tokens Meta listed' }) listed!: number;
  @ApiProperty({ description: 'Subscriptions created from them (the rest were known)' }) created!: number;
  @ApiProperty({ description: 'Pages of the listing read' }) pages!: number;
  @ApiPropertyOptional({ description: 'Reconcile only: active subscriptions Meta no longer lists, now `unlisted`' }) unlisted?: number;
}
