import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsStringList } from '../../common/validators';

export type ResolveAction = 'resend' | 'leave';

/**
 * The shop's decision on `uncertain` deliveries (sends that may or may not have reached Meta: a worker
 * died or the answer was lost during the call). Meta has no idempotency key, so only the shop can choose:
 * `resend` makes them pending again (sent anew: a person whose first message did arrive gets a second
 * one), `leave` keeps them uncertain, marked as decided (reason `left_by_shop`). Either way Meta's
 * delivery webhooks, retried for up to a day, still settle a row that was in fact sent
 * (https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/measure-performance, docs/meta-platform.md §3, §5).
 * Exactly one of `deliveryIds` and `all: true`.
 */
export class ResolveDeliveriesDto {
  @ApiProperty({ enum: ['resend', 'leave'] })
  @IsIn(['resend', 'leave'])
  action!: ResolveAction;

  @ApiPropertyOptional({
    type: [String],
    description: 'Ids of uncertain deliveries of this campaign (from GET …/deliveries?status=uncertain), 1-1000',
    example: ['1042', '1043'],
  })
  @IsOptional()
  @IsStringList({ minItems: 1, maxItems: 1000, pattern: { regex: /^\d{1,20}$/, what: 'a delivery id (digits)' } })
  deliveryIds?: string[];

  @ApiPropertyOptional({ description: 'true: every uncertain delivery of this campaign' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}

/** How many uncertain deliveries the decision applied to (rows settled meanwhile by a webhook are not counted). */
export class ResolveDeliveriesResponse {
  @ApiProperty({ enum: ['resend', 'leave'] })
  action!: ResolveAction;

  @ApiProperty({ description: 'Deliveries changed: made pending (resend) or marked left_by_shop (leave)' })
  resolved!: number;
}
