import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import type { Clock } from '../common/clock';
import type { GraphEndpoint } from '../common/graph-endpoint';

/**
 * What `MarketingMessagesModule.forRoot(options)` (or the `useFactory` of `forRootAsync`) is given.
 * Errors: a config that does not validate is refused by `loadConfig` (ConfigError, one line per problem)
 * before the module is built.
 */
export interface MarketingMessagesOptions {
  /**
   * The plugin's settings, from `loadConfig(env)` (config/app-config.ts): its own database
   * (`DATABASE_URL`, never the host's default DataSource), the encryption key for tokens at rest, Meta's
   * app secret and verify token, and the roles this process runs (`api`, `worker`). `port`, `host` and
   * the HTTP limits are the standalone server's only: a host listens on its own.
   */
  config: AppConfig;
  /** Defaults to the system clock (tests give a ManualClock). */
  clock?: Clock;
  /** Where Graph calls go; defaults to `config.graph` (Meta's URL, or the sandbox on SANDBOX_PORT). */
  graphEndpoint?: GraphEndpoint;
}

/** Options read when the module is defined (not by the async factory), since they decide its imports. */
export interface MarketingMessagesExtras {
  /**
   * `true` registers `EventEmitterModule.forRoot({ ignoreErrors: false })` and `ScheduleModule.forRoot()`
   * with the plugin: only for an app that has neither (the standalone AppModule does this). A host leaves
   * it `false` (the default) and registers its own, once: the plugin's listeners and timers run on them,
   * and the plugin's domain events are emitted on the host's EventEmitter2.
   */
  registerGlobalModules: boolean;
}

export const {
  ConfigurableModuleClass: MarketingMessagesModuleBase,
  MODULE_OPTIONS_TOKEN: MARKETING_MESSAGES_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<MarketingMessagesOptions>({ moduleName: 'MarketingMessages' })
  .setClassMethodName('forRoot')
  .setExtras<MarketingMessagesExtras>({ registerGlobalModules: false })
  .build();

/** The argument of `forRoot`. */
export type MarketingMessagesModuleOptions = typeof OPTIONS_TYPE;
/** The argument of `forRootAsync`: `{ imports, useFactory, inject }` (or `useClass`/`useExisting`) plus the extras. */
export type MarketingMessagesModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
