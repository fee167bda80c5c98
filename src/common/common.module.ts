import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from './app-config.provider';
import { Clock } from './clock';
import { GraphEndpoint } from './graph-endpoint';
import { TokenCipher } from './token-cipher';

/** What every module may inject: the config, the clock, the cipher for secrets at rest, and where Graph calls go. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig, clock: Clock, graphEndpoint: GraphEndpoint): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: TokenCipher, useValue: new TokenCipher(config.encryptionKey, config.previousEncryptionKeys) },
        { provide: GraphEndpoint, useValue: graphEndpoint },
      ],
      exports: [APP_CONFIG, Clock, TokenCipher, GraphEndpoint],
    };
  }
}
