import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids carried through async calls so every log line of a request (or a delivery) can be correlated. */
export interface RequestContext {
  requestId?: string;
  deliveryId?: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext {
  return requestContext.getStore() ?? {};
}
