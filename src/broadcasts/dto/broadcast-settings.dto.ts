import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDivisibleBy, IsInt, IsOptional, Max, Min } from 'class-validator';

export class UpdateBroadcastSettingsDto {
  @ApiPropertyOptional({
    description:
      "At most one marketing message per subscriber per this many hours, across all campaigns, counted in the subscriber's own local days (the opt-in's time zone, else the Page's): a multiple of 24 from 24 to 720. 24: one message per local day. 48: after a message on local day D, none on D+1, the next from 00:00 local on D+2. Never less than Meta's 12 hours per subscription token after the previous message.",
    example: 48,
  })
  @IsOptional()
  @IsInt()
  @IsDivisibleBy(24, { message: 'periodHours must be a whole number of days: 24, 48, 72 …' })
  @Min(24)
  @Max(24 * 30)
  periodHours?: number;

  @ApiPropertyOptional({ description: 'Sends per second for this Page, shared by all workers; 0 turns throttling off', example: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  ratePerSecond?: number;

  @ApiPropertyOptional({ description: 'Sends in flight at once per worker process', example: 16 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  concurrency?: number;
}

export class BroadcastSettingsResponse {
  @ApiProperty() pageId!: string;
  @ApiProperty() periodHours!: number;
  @ApiProperty() ratePerSecond!: number;
  @ApiProperty() concurrency!: number;
}
