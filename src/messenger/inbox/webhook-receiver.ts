import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GraphEndpoint } from '../../common/graph-endpoint';
import { httpCode, INTERNAL_ERROR_MESSAGE } from '../../common/http-error.filter';
import { requestContext, requestIdFrom } from '../../common/request-context';
import { WebhookIntake } from './webhook-intake.service';
import { isValidSignature } from './webhook-signature';

export const WEBHOOK_PATH = '/webhooks/messenger';
/** Meta's batches are a few kilobytes; anything near this is not Meta. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * `POST /webhooks/messenger`, served by node:http in front of Express. It is the one hot path (Meta
 * posts every message, read and delivery of every Page here) and it needs nothing Express gives: read
 * the exact bytes, check the signature, store, answer. Skipping the router, the body parsers and
 * Nest's pipeline doubles what one core accepts (bench/webhooks.ts). Everything else, including the
 * GET handshake, stays in Nest. Answers keep the API's shapes: `X-Request-Id`, and on failure the
 * same `{ statusCode, error, message, requestId }` body as HttpErrorFilter.
 */
@Injectable()
export class WebhookReceiver {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly endpoint: GraphEndpoint,
    private readonly intake: WebhookIntake,
  ) {}

  /**
   * Puts this receiver in front of whatever already serves the server's requests (Express, or a host's
   * adapter): the fast path, before any router or body parser. `mountMarketingMessagesWebhooks(app)` calls it.
   */
  mountInFrontOf(server: Server): void {
    const others = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.handle(req, res)) for (const listener of others) listener(req, res);
    });
  }

  /** Serves `req` if it is a webhook delivery (`POST /webhooks/messenger`); false leaves it to the others. */
  private handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'POST' || pathOf(req.url) !== WEBHOOK_PATH) return false;
    this.receive(req, res);
    return true;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('X-Request-Id', requestId);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      res.setHeader('Connection', 'close');
      return this.fail(res, requestId, 413, 'request entity too large');
    }

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return this.fail(res, requestId, 413, 'request entity too large');
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const signature = req.headers['x-hub-signature-256'];
      if (!isValidSignature(raw, typeof signature === 'string' ? signature : undefined, this.endpoint.appSecret)) {
        return this.fail(res, requestId, 403, 'invalid X-Hub-Signature-256');
      }
      requestContext.run({ requestId }, () => {
        this.intake.accept(raw).then(
          () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}'),
          (error: unknown) => {
            // Meta retries a delivery that was not answered 200: nothing is lost, but the cause must be seen.
            this.logger.error(error instanceof Error ? error : String(error));
            this.fail(res, requestId, 500, INTERNAL_ERROR_MESSAGE);
          },
        );
      });
    });
    req.on('error', () => res.destroy());
  }

  private fail(res: ServerResponse, requestId: string, statusCode: number, message: string): void {
    // Failures are the lines an operator looks for; successes (the bulk) are not logged one by one.
    this.logger.log({ msg: 'request', method: 'POST', path: WEBHOOK_PATH, status: statusCode });
    res
      .writeHead(statusCode, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ statusCode, error: httpCode(statusCode), message, requestId }));
  }
}

/** The path without its query string or a trailing slash, as Express would route it. */
function pathOf(url: string | undefined): string {
  const query = (url ?? '').indexOf('?');
  const path = query === -1 ? (url ?? '') : url!.slice(0, query);
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}
