import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from '../config/app-config';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import type { GraphEndpoint } from './common/graph-endpoint';
import { BoundedExpressAdapter } from './common/bounded-express-adapter';
import { HttpErrorFilter } from './common/http-error.filter';
import { JsonLogger } from './common/json-logger';
import { pluginControllers } from './plugin/marketing-messages.module';
import { mountMarketingMessagesWebhooks, setupMarketingMessagesDocs } from './plugin/plugin-http';
import { assertOnlyPluginControllers } from './plugin/plugin-routes';

export interface CreateAppOptions {
  config: AppConfig;
  clock: Clock;
  /** Where Graph calls go: Meta (config) or a running sandbox. */
  graphEndpoint: GraphEndpoint;
  logger?: JsonLogger;
}

/**
 * The HTTP application as it ships: used by main.ts and, unchanged, by the end-to-end tests. The plugin's
 * pipe and error body are its module's (on its routes); the webhook receiver and the docs are mounted as
 * a host app mounts them.
 */
export async function createApp({ config, clock, graphEndpoint, logger }: CreateAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot({ config, clock, graphEndpoint }),
    new BoundedExpressAdapter(config.http),
    {
      logger: logger ?? new JsonLogger(config.logLevel),
      // JsonBodyMiddleware parses bodies, after the request id is set, with bounds checked before parsing.
      bodyParser: false,
    },
  );
  try {
    assertOnlyPluginControllers(app, pluginControllers());
  } catch (error) {
    await app.close();
    throw error;
  }
  // The server is the plugin's alone: a request to no route gets the API's error body too.
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  mountMarketingMessagesWebhooks(app);
  setupMarketingMessagesDocs(app);
  return app;
}
