import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { contentProblems } from '../../broadcasts/campaign-content';
import { IsCheckedBy } from '../../common/validators';
import { AB_METRICS, type AbMetric } from '../results-shapes';

/**
 * An A/B test of a draft campaign: its own content is variant A; `variants` are B (and C). At fan-out
 * `testSharePercent` of the audience is split evenly between the contents and sent; the rest is held.
 * `testDurationMinutes` later the content with the better `metric` wins (a tie goes to the earlier
 * variant) and is sent to the rest.
 */
export class PutAbTestDto {
  @ApiProperty({
    description: 'One or two more contents (B, C), each as the campaign `content` (see POST /campaigns); variant A is the campaign content',
    type: 'array',
    items: { type: 'object' },
    example: [{ type: 'text', text: 'Last day: 30% off new arrivals!' }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsCheckedBy('isCampaignContent', (value, field) =>
    Array.isArray(value) ? value.flatMap((variant: unknown, i) => contentProblems(variant, `${field}.${i}`)) : [],
  )
  variants!: Array<Record<string, unknown>>;

  @ApiProperty({ description: 'Percent of the audience in the test, split evenly between the variants (2-90)', example: 20 })
  @IsInt()
  @Min(2)
  @Max(90)
  testSharePercent!: number;

  @ApiProperty({ description: 'Minutes from the split (the end of the fan-out) to the decision (15 minutes to 7 days)', example: 240 })
  @IsInt()
  @Min(15)
  @Max(7 * 24 * 60)
  testDurationMinutes!: number;

  @ApiPropertyOptional({
    enum: AB_METRICS,
    description: 'click_rate: recipients who clicked / messages sent; order_rate: attributed orders / messages sent. Default click_rate.',
  })
  @IsOptional()
  @IsIn(AB_METRICS)
  metric?: AbMetric;
}

export class AbVariantFigures {
  @ApiProperty({ description: '0 = A (the campaign content), 1 = B, 2 = C' }) variant!: number;
  @ApiProperty() sent!: number;
  @ApiProperty({ description: 'Recipients who clicked a tracked link (or Meta reported a click)' }) clicked!: number;
  @ApiProperty({ description: 'Attributed orders (not canceled or returned)' }) orders!: number;
  @ApiProperty({ description: 'clicked / sent (0 when nothing was sent)' }) clickRate!: number;
  @ApiProperty({ description: 'orders / sent' }) orderRate!: number;
}

export class AbTestResponse {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) variants!: unknown[];
  @ApiProperty() testSharePercent!: number;
  @ApiProperty() testDurationMinutes!: number;
  @ApiProperty({ enum: AB_METRICS }) metric!: AbMetric;
  @ApiProperty({ nullable: true, type: String, description: 'When the test share was split off (end of fan-out)' }) splitAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decideAfter!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'The winning variant, once decided' }) winner!: number | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ type: [AbVariantFigures], nullable: true, description: 'The figures the decision was made on' })
  decision!: AbVariantFigures[] | null;
  @ApiProperty({ type: [AbVariantFigures], description: 'The figures now' }) figures!: AbVariantFigures[];
}
