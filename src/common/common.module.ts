import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { graphBaseUrl, type AppConfig } from '../../config/app-config';
import { MARKETING_MESSAGES_OPTIONS, type MarketingMessagesOptions } from '../plugin/module-definition';
import { APP_CONFIG } from './app-config.provider';
import { Clock, SystemClock } from './clock';
import { GraphEndpoint } from './graph-endpoint';
import { TokenCipher } from './token-cipher';

/**
 * What every module of the plugin may inject: the config, the clock, the cipher for secrets at rest, and
 * where Graph calls go, all read from the module's options (given as values, or by a host's async factory).
 */
@Module({})
export class CommonModule {
  /**
   * Global, so that the plugin's modules see it without importing it; it holds the options provider (and
   * the host's `imports` that its factory injects from) so that the plugin's TypeORM DataSource can read them too.
   */
  static forOptions(optionsProviders: Provider[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: CommonModule,
      global: true,
      imports,
      providers: [
        ...optionsProviders,
        { provide: APP_CONFIG, useFactory: (o: MarketingMessagesOptions) => o.config, inject: [MARKETING_MESSAGES_OPTIONS] },
        { provide: Clock, useFactory: (o: MarketingMessagesOptions) => o.clock ?? new SystemClock(), inject: [MARKETING_MESSAGES_OPTIONS] },
        {
          provide: TokenCipher,
          useFactory: (config: AppConfig) => new TokenCipher(config.encryptionKey, config.previousEncryptionKeys),
          inject: [APP_CONFIG],
        },
        {
          provide: GraphEndpoint,
          useFactory: (o: MarketingMessagesOptions) =>
            o.graphEndpoint ?? new GraphEndpoint(graphBaseUrl(o.config.graph), o.config.graph.appSecret),
          inject: [MARKETING_MESSAGES_OPTIONS],
        },
      ],
      exports: [MARKETING_MESSAGES_OPTIONS, APP_CONFIG, Clock, TokenCipher, GraphEndpoint],
    };
  }
}
