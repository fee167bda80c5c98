import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class UpdateBroadcastSettingsDto {
  @ApiPropertyOptional({
    description: 'At most one marketing message per subscriber per this many hours, across all campaigns (Meta itself allows one per 12 h)',
    example: 48,
  })
  @IsOptional()
  @IsInt()
  @Min(12)
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
