import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer } from 'node:http';
import type { HttpLimits } from '../../config/app-config';

/**
 * Express on a node:http server created with the configured bounds (HttpLimits), which Nest's own
 * adapter cannot pass: `connectionsCheckingInterval` (how often node looks for requests past their
 * timeouts, 30 s by default) is a constructor-only option, and it is what makes a slow client be cut
 * "after a few seconds" rather than up to half a minute later.
 * https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
 */
export class BoundedExpressAdapter extends ExpressAdapter {
  constructor(private readonly limits: HttpLimits) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    super.initHttpServer(options);
    const server = createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        requestTimeout: this.limits.requestTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, this.limits.headersTimeoutMs),
      },
      this.getInstance(),
    );
    server.maxConnections = this.limits.maxConnections;
    this.setHttpServer(server);
  }
}
