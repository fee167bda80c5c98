import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Ids carried through async calls so every log line of a request (or a delivery) can be correlated. */
export interface RequestContext {
  requestId?: string;
  deliveryId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext {
  return requestContext.getStore() ?? {};
}

/** The caller's `X-Request-Id` when it is sane (a retrying client or a proxy keeps its own), else a new one. */
export function requestIdFrom(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}
