import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { SchemaHealthIndicator } from './schema.health';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [SchemaHealthIndicator] })
export class HealthModule {}
