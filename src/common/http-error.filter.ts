import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { SqlDialect } from '../database/sql-dialect';
import { DomainError } from './domain-error';
import { currentContext } from './request-context';

/** One fault in the input: which field, and which rule it broke. */
export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** Thrown by the validation pipe; carries every problem, not just the first. */
export class ValidationFailed extends BadRequestException {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => p.message).join('; '));
  }
}

/**
 * The one error body of the API:
 * `{ statusCode, error: <stable code>, message, fields?: FieldProblem[], details?, requestId }`.
 * A 500 says nothing of its cause but its request id, which is in the log line with the stack.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    this.reply(exception, host.switchToHttp().getResponse<Response>());
  }

  /** Answers `exception` with the API's error body (also for the plugin's middleware, which no controller filter covers). */
  reply(exception: unknown, response: Response): void {
    const requestId = currentContext().requestId;
    const { status, body } = this.describe(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception : String(exception));
    response.status(status).json({ statusCode: status, ...body, requestId });
  }

  private describe(exception: unknown): { status: number; body: Record<string, unknown> } {
    if (exception instanceof ValidationFailed) {
      return { status: 400, body: { error: 'validation_failed', message: exception.message, fields: exception.problems } };
    }
    if (exception instanceof DomainError) {
      const { field, ...details } = exception.details;
      const fields = field ? [{ field, rule: exception.code, message: exception.message }] : undefined;
      return {
        status: exception.status,
        body: { error: exception.code, message: exception.message, fields, details: Object.keys(details).length ? details : undefined },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? exception.message);
      // Terminus's 503 carries each indicator's state (`details`): kept, so a failed readiness says what is down.
      const details = typeof res === 'object' ? (res as { details?: unknown }).details : undefined;
      return { status, body: { error: httpCode(status), message, details } };
    }
    // What a service did not foresee of the schema's guarantees is still the caller's conflict, not our fault.
    if (SqlDialect.isDuplicateKey(exception)) return { status: 409, body: { error: 'conflict', message: 'It already exists' } };
    if (SqlDialect.isForeignKeyViolation(exception)) {
      return { status: 409, body: { error: 'in_use', message: 'Other records still refer to it, or to what it names' } };
    }
    return { status: 500, body: { error: 'internal', message: INTERNAL_ERROR_MESSAGE } };
  }
}

/** What a 500 says of itself: nothing but where to look, the requestId in the log line with the stack. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error; quote the requestId when reporting it';

/** The stable `error` code of a plain HTTP status. */
export function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 408:
      return 'request_timeout';
    case 413:
      return 'payload_too_large';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'http_error';
  }
}
