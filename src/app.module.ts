import { Logger, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { JsonBodyMiddleware } from './common/json-body';
import { RequestIdMiddleware } from './common/request-id.middleware';
import { dataSourceOptions, openDataSource } from './database/data-source';
import { runMigrations } from './database/migrate';
import { PLUGIN_DATA_SOURCE } from './database/plugin-data-source';
import { checkpointInBackground } from './database/sqlite-checkpointer';
import { GraphEndpoint } from './common/graph-endpoint';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { MessengerModule } from './messenger/messenger.module';
import { OptinsModule } from './optins/optins.module';
import { TopicsModule } from './topics/topics.module';
import { PagesModule } from './pages/pages.module';
import { ShopsModule } from './shops/shops.module';
import { SequencesModule } from './sequences/sequences.module';
import { PosNotificationsModule } from './pos-notifications/pos-notifications.module';
import { BroadcastsModule } from './broadcasts/broadcasts.module';

export interface AppModuleOptions {
  config: AppConfig;
  clock: Clock;
  graphEndpoint: GraphEndpoint;
}

@Module({})
export class AppModule implements NestModule {
  static forRoot({ config, clock, graphEndpoint }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forRoot(config, clock, graphEndpoint),
        TypeOrmModule.forRootAsync({
          name: PLUGIN_DATA_SOURCE,
          // A database that is down at boot fails fast with one line; the orchestrator restarts us.
          useFactory: () => ({ ...dataSourceOptions(config.database), name: PLUGIN_DATA_SOURCE, retryAttempts: 1, retryDelay: 1000 }),
          // Migrations are applied before any module touches the database (and under a lock on MySQL).
          dataSourceFactory: async (options) => {
            const dataSource = await openDataSource(options!);
            const applied = await runMigrations(dataSource);
            checkpointInBackground(dataSource);
            new Logger('Migrations').log({ msg: applied.length ? 'migrations applied' : 'nothing to migrate', applied });
            return dataSource;
          },
        }),
        // Listener errors must surface, not vanish: the emitter is never a delivery guarantee here anyway.
        EventEmitterModule.forRoot({ ignoreErrors: false }),
        ScheduleModule.forRoot(),
        ShopsModule,
        PagesModule,
        MessengerModule,
        TopicsModule,
        OptinsModule,
        SequencesModule,
        PosNotificationsModule,
        BroadcastsModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}
