import type { SandboxClock } from './clock';
import type { IdSource } from './ids';
import type { SandboxState } from './state';
import type { WebhookPoster } from './webhook-poster';

/** What every handler needs, passed explicitly so handlers stay plain functions. */
export interface SandboxContext {
  state: SandboxState;
  clock: SandboxClock;
  ids: IdSource;
  webhooks: WebhookPoster;
  appSecret: string;
  /** http://host:port, for the `paging.next` links. */
  baseUrl: string;
}
