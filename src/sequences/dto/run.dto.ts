import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { NestedList } from '../../common/dto-fields.validation';
import { MINOR_UNITS_RULE } from '../../common/money';
import { IsCurrencyCode, IsMinorUnits } from '../../common/money-validation';
import { IsName, IsPsid } from '../../common/validators';
import type { RunStep, RunStepStatus } from '../entities/run-step.entity';
import type { RunSource, RunStatus, SequenceRun } from '../entities/sequence-run.entity';
import type { RunStepType } from '../step-content';

export class OrderItemDto {
  @ApiProperty({ example: 'Blue linen dress' })
  @IsName(200)
  name!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity!: number;

  @ApiPropertyOptional({ description: `Unit price in the order's currency: ${MINOR_UNITS_RULE}`, example: 62500 })
  @IsOptional()
  @IsMinorUnits()
  @Min(0)
  price?: number;

  @ApiPropertyOptional({ description: 'The item\'s category in the POS, for audience segments ("bought category")', example: 'Dresses' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  category?: string;
}

/** What an order says of its customer and contents: shared by order events and hand-started runs. */
export class OrderDetailsDto {
  @ApiPropertyOptional({ example: 'Maria Santos' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  customerName?: string;

  @ApiPropertyOptional({
    description: `Order total in the order's currency: ${MINOR_UNITS_RULE}. ₱1,250.00 is 125000; 1.250.000 ₫ is 1250000. {{order.total}} shows it in the Page's (or shop's) locale.`,
    example: 125000,
  })
  @IsOptional()
  @IsMinorUnits()
  @Min(0)
  total?: number;

  @ApiPropertyOptional({ description: "ISO 4217 code in capitals; the shop's currency when omitted", example: 'PHP' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ type: [OrderItemDto] })
  @IsOptional()
  @NestedList(() => OrderItemDto, { min: 0, max: 100 })
  items?: OrderItemDto[];
}

/** The order fields a sequence's placeholders show. */
export class OrderFieldsDto extends OrderDetailsDto {
  @ApiProperty({ example: 'PO-1042' })
  @IsString()
  @Length(1, 64)
  orderId!: string;

  @ApiProperty({ example: 'CONFIRMED' })
  @IsString()
  @Length(1, 32)
  status!: string;
}

/** Start the sequence for one person by hand (a POS rule does the same on an order event). */
export class StartRunDto {
  @ApiProperty({ description: 'PSID (Facebook) or IGSID (Instagram)', example: '6254019384756102' })
  @IsPsid()
  psid!: string;

  @ApiPropertyOptional({ type: OrderFieldsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderFieldsDto)
  order?: OrderFieldsDto;
}

export class RunStepResponse {
  @ApiProperty() position!: number;
  @ApiProperty() type!: RunStepType;
  @ApiProperty() status!: RunStepStatus;
  @ApiProperty({ nullable: true, type: String }) dueAt!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: String }) messageId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The rule that forbade the step (window_closed, already_subscribed, …)' })
  skipRule!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was skipped (e.g. never_wrote) or what failed' }) detail!:
    string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(step: RunStep): RunStepResponse {
    return {
      position: step.position,
      type: step.type,
      status: step.status,
      dueAt: step.dueAt?.toISOString() ?? null,
      attempts: step.attempts,
      messageId: step.messageId,
      skipRule: step.skipRule,
      detail: step.lastError,
      finishedAt: step.finishedAt?.toISOString() ?? null,
    };
  }
}

export class RunResponse {
  @ApiProperty() id!: string;
  @ApiProperty() sequenceId!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() psid!: string;
  @ApiProperty({ enum: ['api', 'pos', 'keyword', 'referral', 'tap', 'sequence'] }) source!: RunSource;
  @ApiProperty({ enum: ['running', 'completed', 'stopped', 'failed'] }) status!: RunStatus;
  @ApiProperty({ nullable: true, type: String }) endReason!: string | null;
  @ApiProperty({ type: [RunStepResponse] }) steps!: RunStepResponse[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;

  static of(run: SequenceRun, steps: RunStep[]): RunResponse {
    return {
      id: run.id,
      sequenceId: run.sequenceId,
      pageId: run.pageId,
      psid: run.psid,
      source: run.source,
      status: run.status,
      endReason: run.endReason,
      steps: steps.map((s) => RunStepResponse.of(s)),
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}
