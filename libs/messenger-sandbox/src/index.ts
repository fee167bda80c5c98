/** The Messenger sandbox: an emulator of the Graph API parts the plugin uses, plus its control API. */
export { startMessengerSandbox, type RunningSandbox, type SandboxOptions } from './server';
export { SandboxControl, SandboxControlError } from './control-client';
export { appsecretProof } from './auth';
export { signWebhookBody, type WebhookCounts } from './webhook-poster';
export { MARKETING_ERRORS, type GraphErrorBody } from './errors';
export type * from './control-types';
export type { MarketingWebhookValue, OptinPayload, WebhookBody } from './webhook-events';
