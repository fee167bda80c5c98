import { Logger, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BroadcastsModule } from '../broadcasts/broadcasts.module';
import { CommonModule } from '../common/common.module';
import { JsonBodyMiddleware } from '../common/json-body';
import { RequestIdMiddleware } from '../common/request-id.middleware';
import { dataSourceOptions, openDataSource } from '../database/data-source';
import { runMigrations } from '../database/migrate';
import { PLUGIN_DATA_SOURCE } from '../database/plugin-data-source';
import { checkpointInBackground } from '../database/sqlite-checkpointer';
import { HealthModule } from '../health/health.module';
import { IntegrationsModule } from '../integrations/integrations.module';
import { ConsoleModule } from '../console/console.module';
import { MetricsModule } from '../metrics/metrics.module';
import { FlowsModule } from '../flows/flows.module';
import { KeywordsModule } from '../keywords/keywords.module';
import { MessengerModule } from '../messenger/messenger.module';
import { OptinsModule } from '../optins/optins.module';
import { PagesModule } from '../pages/pages.module';
import { PosNotificationsModule } from '../pos-notifications/pos-notifications.module';
import { SequencesModule } from '../sequences/sequences.module';
import { ShopsModule } from '../shops/shops.module';
import { TopicsModule } from '../topics/topics.module';
import { MarketingMessagesService } from './marketing-messages.service';
import {
  MARKETING_MESSAGES_OPTIONS,
  MarketingMessagesModuleBase,
  type MarketingMessagesModuleAsyncOptions,
  type MarketingMessagesModuleOptions,
  type MarketingMessagesOptions,
} from './module-definition';
import { modulesWithControllers, scopeValidationAndErrors } from './plugin-routes';

/** The plugin's feature modules; a new one is added here (its controllers then get the plugin's pipe, errors and docs). */
export const PLUGIN_MODULES = [
  IntegrationsModule,
  ShopsModule,
  PagesModule,
  MessengerModule,
  TopicsModule,
  OptinsModule,
  SequencesModule,
  PosNotificationsModule,
  BroadcastsModule,
  FlowsModule,
  KeywordsModule,
  HealthModule,
  MetricsModule,
  ConsoleModule,
];

/** The plugin's routes: every controller of its modules. */
export const pluginControllers = () => modulesWithControllers(PLUGIN_MODULES).flatMap((m) => m.controllers);

/**
 * The Marketing Messages plugin as one Nest module, for the standalone app (AppModule) and for a host app:
 *
 *   MarketingMessagesModule.forRootAsync({ imports, inject, useFactory: (...) => ({ config: loadConfig(env) }) })
 *
 * - Its tables live in its own DataSource, named `marketing-messages` (PLUGIN_DATA_SOURCE_TOKEN), opened on
 *   `config.database` and migrated (under a lock on MySQL) before any provider uses it; the host's default
 *   DataSource is never touched.
 * - It needs an EventEmitterModule and a ScheduleModule: a host's own (default), or its own with
 *   `registerGlobalModules: true` (standalone only; registering them twice doubles every listener and timer).
 * - Its validation pipe, error body (`{ statusCode, error, message, fields?, requestId }`), request ids and
 *   bounded JSON body reading apply to its own routes only (`/api/...`, `/webhooks/messenger`, `/health/...`).
 * - What a host mounts itself: the webhook receiver (`mountMarketingMessagesWebhooks(app)`) and, if it
 *   wants them, the OpenAPI docs (`setupMarketingMessagesDocs(app)`), both in src/plugin/plugin-http.ts.
 * - Exports MarketingMessagesService for in-process calls; domain events are emitted on the app's
 *   EventEmitter2 (src/integrations/domain-events.ts).
 */
@Module({})
export class MarketingMessagesModule extends MarketingMessagesModuleBase implements NestModule {
  static override forRoot(options: MarketingMessagesModuleOptions): DynamicModule {
    return withPlugin(super.forRoot(options), options.registerGlobalModules ?? false);
  }

  static override forRootAsync(options: MarketingMessagesModuleAsyncOptions): DynamicModule {
    return withPlugin(super.forRootAsync(options), options.registerGlobalModules ?? false);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware, JsonBodyMiddleware).forRoutes(...pluginControllers());
  }
}

/** The builder's definition (the options provider, and the host's imports for its factory) made into the plugin. */
function withPlugin(definition: DynamicModule, registerGlobalModules: boolean): DynamicModule {
  scopeValidationAndErrors(pluginControllers());
  return {
    module: definition.module,
    imports: [
      CommonModule.forOptions(definition.providers ?? [], definition.imports),
      TypeOrmModule.forRootAsync({
        name: PLUGIN_DATA_SOURCE,
        inject: [MARKETING_MESSAGES_OPTIONS],
        // A database that is down at boot fails fast with one line; the orchestrator restarts us.
        useFactory: ({ config }: MarketingMessagesOptions) => ({
          ...dataSourceOptions(config.database),
          name: PLUGIN_DATA_SOURCE,
          retryAttempts: 1,
          retryDelay: 1000,
        }),
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
      ...(registerGlobalModules ? [EventEmitterModule.forRoot({ ignoreErrors: false }), ScheduleModule.forRoot()] : []),
      ...PLUGIN_MODULES,
    ],
    providers: [MarketingMessagesService],
    exports: [MarketingMessagesService],
  };
}
