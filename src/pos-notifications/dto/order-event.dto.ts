import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsInstant, IsPsid } from '../../common/validators';
import { OrderDetailsDto } from '../../sequences/dto/run.dto';
import { ORDER_STATUSES, type OrderStatus } from '../order-status';

/** An order's status changed in the POS. The order fields feed the sequence's placeholders. */
export class OrderEventDto extends OrderDetailsDto {
  @ApiProperty({ example: 'PO-1042' })
  @IsString()
  @Length(1, 64)
  orderId!: string;

  @ApiProperty({ example: '104857361234567' })
  @IsString()
  @Length(1, 64)
  pageId!: string;

  @ApiProperty({ description: 'PSID (Facebook) or IGSID (Instagram) of the customer', example: '6254019384756102' })
  @IsPsid()
  customerPsid!: string;

  @ApiProperty({ enum: ORDER_STATUSES })
  @IsIn(ORDER_STATUSES)
  status!: OrderStatus;

  @ApiPropertyOptional({ enum: ORDER_STATUSES })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  previousStatus?: OrderStatus;

  @ApiProperty({
    description: 'When the status changed in the POS (RFC 3339 with an offset)',
    format: 'date-time',
    example: '2026-06-01T02:00:00Z',
  })
  @IsInstant()
  occurredAt!: string;
}

export class DispatchedRule {
  @ApiProperty() ruleId!: string;
  @ApiProperty() runId!: string;
}

export class SkippedRule {
  @ApiProperty() ruleId!: string;
  @ApiProperty({ example: 'window_closed' }) reason!: string;
  @ApiProperty({ nullable: true, type: String, example: 'never_wrote' }) detail!: string | null;
}

/**
 * What became of the event: per matching active rule, dispatched, skipped (with why) or a duplicate.
 * A rule appears in exactly one of the three lists.
 */
export class OrderEventResult {
  @ApiProperty() orderId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiProperty({ description: 'Active rules of the Page for this status' }) matchedRules!: number;
  @ApiPropertyOptional({ description: 'Only when `matchedRules` is 0: rules of the Page for this status that are inactive' })
  inactiveRules?: number;
  @ApiPropertyOptional({
    description: 'Only when `matchedRules` is 0: why nothing was done and what to do (activate or create a rule)',
    example:
      'No active rule of Page 104857361234567 for status SHIPPED; 1 inactive rule(s) match: activate with POST /api/pos-notification-rules/:ruleId/activate',
  })
  hint?: string;
  @ApiProperty({
    type: [DispatchedRule],
    description: 'Runs started now, including rules this order and status were skipped for before and may be asked now',
  })
  dispatched!: DispatchedRule[];
  @ApiProperty({ type: [SkippedRule], description: 'Rules not dispatched, with the current reason (a repeat evaluates them again)' })
  skipped!: SkippedRule[];
  @ApiProperty({ type: [String], description: 'Rules already dispatched for this order and status: nothing done again' })
  duplicates!: string[];
}
