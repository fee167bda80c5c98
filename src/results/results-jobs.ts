import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';
import { AbTestsService } from './ab-tests.service';
import { OptOutGuard } from './opt-out-guard';

const EVERY_MS = 5000;

/**
 * The results' periodic work in processes with the `worker` role: A/B decisions (and releasing held
 * rows to the winner) and the opt-out check. Each is safe in every process at once (atomic claims and
 * conditional UPDATEs); tests call runOnce() after moving the clock.
 */
@Injectable()
export class ResultsJobs implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ResultsJobs.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly abTests: AbTestsService,
    private readonly optOuts: OptOutGuard,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roles.includes('worker')) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.runOnce()
        .catch((error: unknown) => this.logger.error(error instanceof Error ? error : String(error)))
        .finally(() => (this.running = undefined));
    }, EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: A/B decisions due now, then the opt-out check of running campaigns. */
  async runOnce(): Promise<{ decided: string[]; paused: string[] }> {
    const decided = await this.abTests.decideDue();
    const paused = await this.optOuts.checkRunning();
    return { decided, paused };
  }
}
