import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { TopicCounts } from '../../topics/dto/topic.dto';
import type { Subscription } from '../entities/subscription.entity';

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
  @Matches(/^\d{1,64}$/, { message: 'psid must be the numeric PSID or IGSID (or give subscriptionId)' })
  psid?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  subscriptionId?: string;
}

export class UnsubscribeResponse {
  @ApiProperty() unsubscribed!: number;
  @ApiProperty({ enum: ['done', 'failed'], description: "Meta's unsubscribe call; locally the customer is unsubscribed either way" })
  meta!: 'done' | 'failed';
  @ApiPropertyOptional() metaError?: string;
}
