import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import type { FieldProblem } from '../../common/http-error.filter';
import { IsStringList } from '../../common/validators';

export type ResolveAction = 'resend' | 'leave';

/** Exactly one of deliveryIds and all: true (a problem on the one given twice or missing). */
export function deliveriesChoiceProblems(deliveryIds: unknown, all: unknown): FieldProblem[] {
  if ((deliveryIds === undefined) !== (all !== true)) return [];
  return [
    {
      field: deliveryIds === undefined ? 'deliveryIds' : 'all',
      rule: 'exactlyOne',
      message: 'Give either deliveryIds (a list of uncertain delivery ids) or all: true, not both and not neither',
    },
  ];
}

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
  /** Exactly one choice, reported with the body's other faults (CrossFieldRules). */
  static crossFieldProblems(body: Record<string, unknown>): FieldProblem[] {
    return deliveriesChoiceProblems(body.deliveryIds, body.all);
  }

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
