import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { NotificationRule } from '../entities/notification-rule.entity';
import type { OrderEvent, OrderEventOutcome } from '../entities/order-event.entity';
import { ORDER_STATUSES, type OrderStatus } from '../order-status';

export class CreateRuleDto {
  @ApiProperty({ example: '104857361234567' })
  @IsString()
  @Length(1, 64)
  pageId!: string;

  @ApiProperty({ description: 'The topic whose MM button the sequence sends' })
  @IsString()
  @Length(1, 36)
  topicId!: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  @IsIn(ORDER_STATUSES)
  orderStatus!: OrderStatus;

  @ApiProperty({ description: 'A sequence of the same Page with an MM button step for the topic' })
  @IsString()
  @Length(1, 36)
  sequenceId!: string;
}

/** The Page stays; anything else may change (checked again as on create). */
export class UpdateRuleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 36)
  topicId?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  orderStatus?: OrderStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 36)
  sequenceId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class RuleResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() topicId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) orderStatus!: OrderStatus;
  @ApiProperty() sequenceId!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(rule: NotificationRule): RuleResponse {
    return {
      id: rule.id,
      pageId: rule.pageId,
      topicId: rule.topicId,
      orderStatus: rule.orderStatus,
      sequenceId: rule.sequenceId,
      active: rule.active,
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
    };
  }
}

export class RuleStatsResponse {
  @ApiProperty() ruleId!: string;
  @ApiProperty({ description: 'Order events that matched the rule (each order and status once)' }) eventsMatched!: number;
  @ApiProperty({ description: 'Runs of the sequence started' }) dispatches!: number;
  @ApiProperty({ description: "Opt-in requests for the rule's topic sent by those runs" }) optinRequestsSent!: number;
  @ApiProperty({
    description:
      "Customers not asked, by rule: events not dispatched (window_closed) and the topic's MM button steps the platform or the opt-in policy refused",
    example: { window_closed: 3, already_subscribed: 1 },
  })
  skippedByReason!: Record<string, number>;
  @ApiProperty({ description: 'Subscriptions to the topic that answered those requests' }) subscriptions!: number;
}

export class RuleEventResponse {
  @ApiProperty() orderId!: string;
  @ApiProperty() orderStatus!: string;
  @ApiProperty() psid!: string;
  @ApiProperty({ enum: ['dispatched', 'skipped'] }) outcome!: OrderEventOutcome;
  @ApiProperty({ nullable: true, type: String }) skipReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) skipDetail!: string | null;
  @ApiProperty({ nullable: true, type: String }) runId!: string | null;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() receivedAt!: string;

  static of(e: OrderEvent): RuleEventResponse {
    return {
      orderId: e.orderId,
      orderStatus: e.orderStatus,
      psid: e.psid,
      outcome: e.outcome,
      skipReason: e.skipReason,
      skipDetail: e.skipDetail,
      runId: e.runId,
      occurredAt: e.occurredAt.toISOString(),
      receivedAt: e.receivedAt.toISOString(),
    };
  }
}

export class RuleEventsQuery {
  @ApiPropertyOptional({ enum: ['dispatched', 'skipped'] })
  @IsOptional()
  @IsIn(['dispatched', 'skipped'])
  outcome?: OrderEventOutcome;
}
