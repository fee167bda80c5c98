import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { HealthIndicatorState, HealthResponse } from './health.dto';
import type { DataSource } from 'typeorm';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { SchemaHealthIndicator } from './schema.health';

/** A failed readiness: HttpErrorFilter's body, terminus's per-check states in `details`. */
const NOT_READY = {
  status: 503,
  description: '`unavailable`: not ready; `details` per check, e.g. `schema: {status: "down", missingTables, pendingMigrations}`',
};

/**
 * Kubernetes-style probes (https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/):
 * liveness says the process serves HTTP (restart it if not); readiness says it can do its work (send it
 * traffic only then). 200: terminus's body `{ status, info, error, details }`; 503: the API's error body with
 * `details` per check (documented by us, not by terminus's own schema, which would not be what is sent).
 */
@ApiTags('health')
@ApiExtraModels(HealthIndicatorState)
@ApiErrors(500)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly schema: SchemaHealthIndicator,
    @InjectPluginDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers (no database call, so a database outage does not restart it)' })
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthResponse })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: the database answers and its schema is complete (every table, every migration applied)' })
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors(NOT_READY)
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 3000, connection: this.dataSource }),
      () => this.schema.check('schema'),
    ]);
  }

  @Get()
  @ApiOperation({ summary: 'Readiness, as /health/ready (kept for existing monitors)' })
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ type: HealthResponse })
  @ApiErrors(NOT_READY)
  check(): Promise<HealthCheckResult> {
    return this.ready();
  }
}
