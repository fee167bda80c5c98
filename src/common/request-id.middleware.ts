import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext, requestIdFrom } from './request-context';

/** Gives every request an id (the caller's X-Request-Id if sane), echoes it, and logs one line per request. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  use(req: Request, res: Response, next: NextFunction): void {
    // Applied to the plugin's routes and, in the standalone app, to every route: once per request.
    if (res.hasHeader('X-Request-Id')) return next();
    const requestId = requestIdFrom(req.header('x-request-id'));
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    requestContext.run({ requestId }, () => {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // The path only (query strings may carry hub.verify_token), as sent: `req.path` is relative to where the middleware was mounted.
        const line = {
          msg: 'request',
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        };
        // Successful calls are the bulk (webhooks at volume): debug, so production logs keep the failures.
        // A 401 is counted in AuthFailureLimiter's line per interval instead: a key spray must not flood the log.
        if (res.statusCode >= 500) this.logger.warn(line);
        else if (res.statusCode >= 400 && res.statusCode !== 401) this.logger.log(line);
        else this.logger.debug(line);
      });
      next();
    });
  }
}
