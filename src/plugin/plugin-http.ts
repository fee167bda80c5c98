import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createOpenApiDocument } from '../common/openapi';
import type { Server } from 'node:http';
import { WebhookReceiver } from '../messenger/inbox/webhook-receiver';
import { PLUGIN_MODULES } from './marketing-messages.module';
import { modulesWithControllers } from './plugin-routes';

/**
 * Serves Meta's signed webhook deliveries (`POST /webhooks/messenger`) in front of the app's HTTP adapter:
 * the raw bytes are read and their X-Hub-Signature-256 checked before anything else, then stored and
 * answered 200 (or 403 / 413 with the API's error body). Call once, after `NestFactory.create` and before
 * `listen`. The GET verification handshake is an ordinary route of the module.
 */
export function mountMarketingMessagesWebhooks(app: INestApplication): void {
  app.get(WebhookReceiver).mountInFrontOf(app.getHttpServer() as Server);
}

/**
 * Builds the plugin's OpenAPI document (its routes only, never the host's) and serves it at `path`
 * (Swagger UI; the JSON at `<path>-json`). Returns the document, e.g. to merge into a host's own.
 */
export function setupMarketingMessagesDocs(app: INestApplication, path = 'docs'): OpenAPIObject {
  const document = createOpenApiDocument(
    app,
    modulesWithControllers(PLUGIN_MODULES).map((m) => m.module),
  );
  SwaggerModule.setup(path, app, document);
  return document;
}
