import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { GraphEndpoint } from '../common/graph-endpoint';

/** Meta refuses sends for an hour after a message campaign is created. */
export const WARM_UP_MS = 3_600_000;
/** The shortest demo warm-up: long enough to see a campaign wait, short enough for a demo. */
export const MIN_DEMO_WARM_UP_MS = 5_000;

/**
 * How long a campaign waits between its creation at Meta and its first send: Meta's hour, or, in the
 * local run against the bundled sandbox only, a shorter demo value (the sandbox is told the same, so
 * its "Meta" lets the sends through). In-process state: the sandbox run is one process, and a restart
 * goes back to Meta's hour.
 */
@Injectable()
export class CampaignWarmUp {
  private demoMs: number | null = null;

  constructor(private readonly graph: GraphEndpoint) {}

  /** The warm-up in force, in ms. */
  ms(): number {
    return this.demoMs ?? WARM_UP_MS;
  }

  /** `{ sandbox, warmUpMs, metaWarmUpMs, demo }` for the console's settings. */
  state(): { sandbox: boolean; warmUpMs: number; metaWarmUpMs: number; demo: boolean } {
    return { sandbox: this.graph.bundledSandbox !== undefined, warmUpMs: this.ms(), metaWarmUpMs: WARM_UP_MS, demo: this.demoMs !== null };
  }

  /**
   * Sets the demo warm-up (ms, MIN_DEMO_WARM_UP_MS to WARM_UP_MS; null = Meta's hour again), here and
   * at the bundled sandbox. 409 `sandbox_only` when a real Graph URL is configured: Meta's hour is
   * Meta's rule, and shortening it here would only get sends refused.
   */
  async setDemo(ms: number | null): Promise<void> {
    const sandbox = this.graph.bundledSandbox;
    if (!sandbox)
      throw new DomainError(409, 'sandbox_only', "Meta's one-hour warm-up can only be shortened against the bundled sandbox", {
        field: 'warmUpSeconds',
      });
    await sandbox.setSettings({ campaignWarmUpMs: ms ?? WARM_UP_MS });
    this.demoMs = ms === null || ms >= WARM_UP_MS ? null : Math.max(ms, MIN_DEMO_WARM_UP_MS);
  }
}
