import { Global, Module } from '@nestjs/common';
import { DatabaseGauges } from './database-gauges';
import { MetricsController } from './metrics.controller';
import { PluginMetrics } from './plugin-metrics';

/** Prometheus metrics: PluginMetrics (counters any module may move) and GET /metrics. */
@Global()
@Module({ controllers: [MetricsController], providers: [PluginMetrics, DatabaseGauges], exports: [PluginMetrics] })
export class MetricsModule {}
