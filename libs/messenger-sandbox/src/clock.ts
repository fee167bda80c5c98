/**
 * The sandbox's own time. It never follows the wall clock: tests move it explicitly so that
 * 24-hour windows, 7-day limits, 12-hour token cooldowns and the campaign warm-up can be crossed
 * in milliseconds of real time.
 */
export class SandboxClock {
  private current: number;

  constructor(private readonly startTime: number) {
    this.current = startTime;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): number {
    this.current += ms;
    return this.current;
  }

  set(now: number): number {
    this.current = now;
    return this.current;
  }

  /** Back to the time the sandbox was started with (used by reset). */
  rewind(): number {
    this.current = this.startTime;
    return this.current;
  }
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Day number since the epoch in UTC: daily budgets reset when it changes. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

export function toUnixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
