import { Logger, type Provider } from '@nestjs/common';
import { GraphApiClient } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { GraphEndpoint } from '../common/graph-endpoint';
import { PluginMetrics } from '../metrics/plugin-metrics';

/**
 * The broadcast workers' own Graph client: a socket pool sized for hundreds of sends in flight, and
 * rate-limit answers returned at once (maxRateLimitWaitMs 0) so a worker holds the Page back through
 * the shared slot line instead of sleeping inside one call with claimed rows.
 */
export class BroadcastGraphClient extends GraphApiClient {}

export const broadcastGraphClientProvider: Provider = {
  provide: BroadcastGraphClient,
  inject: [GraphEndpoint, Clock, PluginMetrics],
  useFactory: (endpoint: GraphEndpoint, clock: Clock, metrics: PluginMetrics) => {
    const logger = new Logger('BroadcastGraphClient');
    return new BroadcastGraphClient({
      baseUrl: endpoint.baseUrl,
      appSecret: endpoint.appSecret,
      maxSockets: 512,
      maxRateLimitWaitMs: 0,
      timeoutMs: 15_000,
      now: () => clock.now().getTime(),
      observer: metrics.graphObserver,
      logger: { warn: (msg, meta) => logger.warn({ msg, ...meta }), debug: (msg, meta) => logger.debug({ msg, ...meta }) },
    });
  },
};
