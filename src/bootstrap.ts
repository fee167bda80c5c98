import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '../config/app-config';
import { AppModule } from './app.module';
import type { Clock } from './common/clock';
import type { GraphEndpoint } from './common/graph-endpoint';
import { BoundedExpressAdapter } from './common/bounded-express-adapter';
import { HttpErrorFilter } from './common/http-error.filter';
import { createOpenApiDocument } from './common/openapi';
import { JsonLogger } from './common/json-logger';
import { createValidationPipe } from './common/validation.pipe';
import { WebhookReceiver } from './messenger/inbox/webhook-receiver';

export interface CreateAppOptions {
  config: AppConfig;
  clock: Clock;
  /** Where Graph calls go: Meta (config) or a running sandbox. */
  graphEndpoint: GraphEndpoint;
  logger?: JsonLogger;
}

/** The HTTP application as it ships: used by main.ts and, unchanged, by the end-to-end tests. */
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
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.enableShutdownHooks();
  app.get(WebhookReceiver).mountInFrontOf(app.getHttpServer());
  const document = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document);
  return app;
}
