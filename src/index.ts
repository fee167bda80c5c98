/**
 * The package's entry point for a host NestJS app (see README, "Inside a NestJS app"): the module, its
 * options, the HTTP pieces a host mounts, the in-process service, and the domain event contract.
 */
export { MarketingMessagesModule, PLUGIN_MODULES } from './plugin/marketing-messages.module';
export {
  MARKETING_MESSAGES_OPTIONS,
  type MarketingMessagesOptions,
  type MarketingMessagesExtras,
  type MarketingMessagesModuleOptions,
  type MarketingMessagesModuleAsyncOptions,
} from './plugin/module-definition';
export { mountMarketingMessagesWebhooks, setupMarketingMessagesDocs } from './plugin/plugin-http';
export {
  MarketingMessagesService,
  type OrderEventInput,
  type OptinRequestCall,
  type SequenceRunCall,
  type CustomerSubscription,
} from './plugin/marketing-messages.service';
export { WebhookReceiver, WEBHOOK_PATH } from './messenger/inbox/webhook-receiver';
export { loadConfig, ConfigError, type AppConfig, type Env } from '../config/app-config';
export { Clock, SystemClock, ManualClock } from './common/clock';
export { GraphEndpoint } from './common/graph-endpoint';
/** The Messenger sandbox (Graph emulator) a host may start for a demo or its own tests; see README "Inside a NestJS app". */
export { startMessengerSandbox, type RunningSandbox, type SandboxOptions } from '../libs/messenger-sandbox/src';
export { PLUGIN_DATA_SOURCE, PLUGIN_DATA_SOURCE_TOKEN, InjectPluginDataSource } from './database/plugin-data-source';
export { ShopsService } from './shops/shops.service';
export * from './integrations/domain-events';
export type { OptinRequestOutcome, OptinRule } from './optins/optin-outcome';
export { PosOrderEvents, type PosOrderStatusChanged } from './pos-notifications/pos-order-events';
export type { OrderEventResult, DispatchedRule, SkippedRule } from './pos-notifications/dto/order-event.dto';
export type { RunResponse } from './sequences/dto/run.dto';
export type { SubscriberResponse } from './optins/dto/subscriber.dto';
export { ValidationFailed, type FieldProblem } from './common/http-error.filter';
export { DomainError } from './common/domain-error';
