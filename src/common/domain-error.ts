/**
 * An expected refusal with a stable code, mapped to HTTP once, at the edge (HttpErrorFilter).
 * `field` names the input at fault when there is one; `details` carries machine-readable extras
 * (a platform rule's name and its `retryAt`, for instance).
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 402 | 404 | 409 | 413 | 422 | 429 | 502 | 503,
    readonly code: string,
    message: string,
    readonly details: { field?: string } & Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A 404; `field` names the input that held the id (`topicId` in a body, `pageId` in a path) so callers see which one. */
export const notFound = (what: string, field?: string): DomainError =>
  new DomainError(404, 'not_found', `${what} not found`, field ? { field } : {});
