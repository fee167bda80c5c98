import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One check's state, as terminus reports it. */
export class HealthIndicatorState {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
}

/**
 * A passing probe: terminus's body (https://docs.nestjs.com/recipes/terminus), e.g.
 * `{"status":"ok","info":{"database":{"status":"up"},"schema":{"status":"up"}},"error":{},"details":{…}}`.
 * A failing one is a 503 with the API's error body, `details` per check.
 */
export class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/HealthIndicatorState' },
    example: { database: { status: 'up' } },
  })
  info?: Record<string, HealthIndicatorState>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorState' }, example: {} })
  error?: Record<string, HealthIndicatorState>;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/HealthIndicatorState' } })
  details!: Record<string, HealthIndicatorState>;
}
