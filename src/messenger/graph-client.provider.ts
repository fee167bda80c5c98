import { Logger, type Provider } from '@nestjs/common';
import { GraphApiClient } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { GraphEndpoint } from '../common/graph-endpoint';
import { PluginMetrics } from '../metrics/plugin-metrics';

/** The one Graph client of the process (keep-alive sockets shared by every sender). */
export const graphClientProvider: Provider = {
  provide: GraphApiClient,
  inject: [GraphEndpoint, Clock, PluginMetrics],
  useFactory: (endpoint: GraphEndpoint, clock: Clock, metrics: PluginMetrics) => {
    const logger = new Logger('GraphApiClient');
    return new GraphApiClient({
      baseUrl: endpoint.baseUrl,
      appSecret: endpoint.appSecret,
      now: () => clock.now().getTime(),
      observer: metrics.graphObserver,
      logger: { warn: (msg, meta) => logger.warn({ msg, ...meta }), debug: (msg, meta) => logger.debug({ msg, ...meta }) },
    });
  },
};
