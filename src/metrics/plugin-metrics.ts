import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { GraphObserver } from '../../libs/graph-api/src';

/**
 * The plugin's Prometheus metrics (prom-client), in a registry of its own: a host app that imports the
 * plugin keeps its own default registry, and two apps in one process (tests) never share counters.
 * Counters move where the work happens; the gauges read from the database on scrape (DatabaseGauges).
 * Names follow https://prometheus.io/docs/practices/naming/ (unit suffix, `_total` for counters).
 */
@Injectable()
export class PluginMetrics {
  readonly registry = new Registry();

  /** One per marketing-message call answered: `outcome` is the SendOutcome kind, `reason` Meta's error or ours. */
  readonly sends = new Counter({
    name: 'mm_broadcast_sends_total',
    help: 'Broadcast sends by outcome (sent, skip, defer, retry, uncertain, hold, pause, fail) and reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  /**
   * One per delivery row result a worker writes (sent, skipped, failed, uncertain, or back to pending),
   * with its reason: also the recipients refused before any call (stopped, already messaged, …).
   */
  readonly deliveryResults = new Counter({
    name: 'mm_broadcast_delivery_results_total',
    help: 'Broadcast delivery row results written by workers, by status and reason',
    labelNames: ['status', 'reason'] as const,
    registers: [this.registry],
  });

  /** Every HTTP attempt to the Graph API (retries counted each). */
  readonly graphCalls = new Counter({
    name: 'mm_graph_calls_total',
    help: 'Graph API HTTP attempts by method and result (ok, error)',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });

  readonly graphCallSeconds = new Histogram({
    name: 'mm_graph_call_duration_seconds',
    help: 'Wall time of Graph API HTTP attempts',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [this.registry],
  });

  readonly graphErrors = new Counter({
    name: 'mm_graph_errors_total',
    help: 'Graph API attempts that failed, by error kind (libs/graph-api GraphError kind)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  /**
   * Broadcast rows whose lease ran out: `uncertain` (the call had started), `released` (back to
   * pending), `lost_before_send` (taken away between the claim and the send).
   */
  readonly leaseLosses = new Counter({
    name: 'mm_delivery_lease_losses_total',
    help: 'Broadcast delivery rows whose lease ran out, by what became of them',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Waits for a rate: the Page's own send pace (`page_pace`) or Meta's rate-limit answers (`graph`). */
  readonly rateLimitWaits = new Counter({
    name: 'mm_rate_limit_waits_total',
    help: 'Waits for a rate limit, by source (page_pace: the Page send rate; graph: a rate-limit or pacing answer)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly rateLimitWaitSeconds = new Counter({
    name: 'mm_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting for a rate limit, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, event-loop lag, heap: what an operator reads first when a worker lags.
    collectDefaultMetrics({ register: this.registry, prefix: 'mm_' });
  }

  /** Hooks for a GraphApiClient: each attempt counted, and the rate-limit waits the client does itself. */
  readonly graphObserver: GraphObserver = {
    attempt: ({ method, errorKind, durationMs }) => {
      this.graphCalls.inc({ method, result: errorKind ? 'error' : 'ok' });
      this.graphCallSeconds.observe(durationMs / 1000);
      if (errorKind) this.graphErrors.inc({ kind: errorKind });
    },
    retryWait: ({ errorKind, delayMs }) => {
      if (errorKind !== 'rate_limited' && errorKind !== 'pacing') return;
      this.rateLimitWaits.inc({ source: 'graph' });
      this.rateLimitWaitSeconds.inc({ source: 'graph' }, delayMs / 1000);
    },
  };

  /** The exposition text (Prometheus text format 0.0.4) and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
