import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { Clock } from './common/clock';
import { JsonBodyMiddleware } from './common/json-body';
import { RequestIdMiddleware } from './common/request-id.middleware';
import { GraphEndpoint } from './common/graph-endpoint';
import { MarketingMessagesModule } from './plugin/marketing-messages.module';

export interface AppModuleOptions {
  config: AppConfig;
  clock: Clock;
  graphEndpoint: GraphEndpoint;
}

/**
 * The standalone service (`npm start`, the workers, the CLI): the plugin module with the global modules
 * a host would otherwise bring (event emitter, scheduler), as the only thing the app serves.
 */
@Module({})
export class AppModule implements NestModule {
  static forRoot({ config, clock, graphEndpoint }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [MarketingMessagesModule.forRoot({ config, clock, graphEndpoint, registerGlobalModules: true })],
    };
  }

  /** The whole server is the plugin's here: a request to no route (404) gets a request id and the API's error body too. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware, JsonBodyMiddleware).forRoutes('*path');
  }
}
