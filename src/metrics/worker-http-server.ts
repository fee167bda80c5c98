import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpException, type INestApplicationContext } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { PluginMetrics } from './plugin-metrics';

/**
 * A worker process's own small HTTP listener (workers serve no API): GET /health/live, GET /health/ready
 * (and /health), answered by the API's HealthController with the same bodies and statuses, and
 * GET /metrics from the process's PluginMetrics. Anything else is 404. node:http, not a second Nest app,
 * so the API's routes are never reachable on a worker.
 */
export class WorkerHttpServer {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(app: INestApplicationContext, port: number, host: string): Promise<WorkerHttpServer> {
    const health = app.get(HealthController);
    const metrics = app.get(PluginMetrics);
    const routes: Record<string, () => Promise<{ status: number; type: string; body: string }>> = {
      '/health/live': () => healthAnswer(() => health.live()),
      '/health/ready': () => healthAnswer(() => health.ready()),
      '/health': () => healthAnswer(() => health.ready()),
      '/metrics': async () => {
        const { contentType, body } = await metrics.scrape();
        return { status: 200, type: contentType, body };
      },
    };
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const route = req.method === 'GET' ? routes[(req.url ?? '/').split('?')[0]!] : undefined;
      const answer = route
        ? route().catch((error: unknown) => ({ status: 500, type: 'text/plain', body: error instanceof Error ? error.message : 'error' }))
        : Promise.resolve({ status: 404, type: 'text/plain', body: 'not found' });
      void answer.then(({ status, type, body }) => {
        res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
        res.end(body);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new WorkerHttpServer(server, (server.address() as AddressInfo).port);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Terminus answers 503 by throwing its body in an HttpException: the same status and body here. */
async function healthAnswer(check: () => Promise<unknown>): Promise<{ status: number; type: string; body: string }> {
  try {
    return { status: 200, type: 'application/json', body: JSON.stringify(await check()) };
  } catch (error) {
    if (!(error instanceof HttpException)) throw error;
    return { status: error.getStatus(), type: 'application/json', body: JSON.stringify(error.getResponse()) };
  }
}
