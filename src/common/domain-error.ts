/**
 * An expected refusal with a stable code, mapped to HTTP once, at the edge (HttpErrorFilter).
 * `field` names the input at fault when there is one; `details` carries machine-readable extras
 * (a platform rule's name and its `retryAt`, for instance).
 */
export class DomainError extends Error {
  constructor(
    readonly status: 400 | 402 | 404 | 409 | 422 | 429 | 502 | 503,
    readonly code: string,
    message: string,
    readonly details: { field?: string } & Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): DomainError => new DomainError(404, 'not_found', `${what} not found`);
