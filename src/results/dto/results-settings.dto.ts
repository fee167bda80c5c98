import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

export const MAX_WINDOW_HOURS = 720;

const WINDOW_DELIVERED =
  'Hours after a message was delivered during which an order from its recipient is attributed to the campaign (last touch wins), 1-720. Default 24.';
const WINDOW_CLICK =
  'Hours after a tracked link of the message was clicked during which an order from its recipient is attributed to the campaign (last touch wins), 1-720. Default 168 (7 days).';
const THRESHOLD =
  'Opt-out rate (STOPs and unsubscribes within a day of the message, over messages sent) at which a running campaign pauses itself with reason `opt_out_rate_exceeded`, in percent with up to 2 decimals; 0 turns it off. Default 3.';
const MIN_SENT = 'Messages the campaign must have sent before its opt-out rate is judged (a small sample says little). Default 50.';

/** The shop's defaults for every campaign's results (a campaign may override each). */
export class UpdateShopResultsSettingsDto {
  @ApiPropertyOptional({ description: WINDOW_DELIVERED, example: 24 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_HOURS)
  attributionDeliveredHours?: number;

  @ApiPropertyOptional({ description: WINDOW_CLICK, example: 168 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_HOURS)
  attributionClickHours?: number;

  @ApiPropertyOptional({ description: THRESHOLD, example: 3 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  optOutPauseThresholdPercent?: number;

  @ApiPropertyOptional({ description: MIN_SENT, example: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  optOutMinSent?: number;
}

/** UTM parameters added to the campaign's tracked links (a `utm_*` already in a link is kept). */
export class UtmDto {
  @ApiPropertyOptional({ example: 'messenger' }) @IsOptional() @IsString() @Length(1, 100) source?: string;
  @ApiPropertyOptional({ example: 'marketing_message' }) @IsOptional() @IsString() @Length(1, 100) medium?: string;
  @ApiPropertyOptional({ example: 'summer-arrivals' }) @IsOptional() @IsString() @Length(1, 100) campaign?: string;
  @ApiPropertyOptional({ example: 'card-1' }) @IsOptional() @IsString() @Length(1, 100) content?: string;
  @ApiPropertyOptional({ example: 'dresses' }) @IsOptional() @IsString() @Length(1, 100) term?: string;
}

/** A campaign's own results settings: each given field overrides the shop's default. */
export class UpdateCampaignResultsSettingsDto extends UpdateShopResultsSettingsDto {
  @ApiPropertyOptional({ type: UtmDto, description: 'Replaces the campaign UTM parameters (an empty object removes them)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => UtmDto)
  utm?: UtmDto;
}

export class ShopResultsSettingsResponse {
  @ApiProperty({ description: WINDOW_DELIVERED }) attributionDeliveredHours!: number;
  @ApiProperty({ description: WINDOW_CLICK }) attributionClickHours!: number;
  @ApiProperty({ description: THRESHOLD }) optOutPauseThresholdPercent!: number;
  @ApiProperty({ description: MIN_SENT }) optOutMinSent!: number;
}

export class CampaignResultsSettingsResponse extends ShopResultsSettingsResponse {
  @ApiProperty() campaignId!: string;
  @ApiProperty({ type: UtmDto, nullable: true }) utm!: UtmDto | null;
  @ApiProperty({ type: [String], description: 'The fields the campaign sets itself (the others are the shop defaults)' })
  overrides!: string[];
}
