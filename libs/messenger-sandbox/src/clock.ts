/**
 * The sandbox's own time. In tests it never follows the wall clock: they move it explicitly so that
 * 24-hour windows, 7-day limits, 12-hour token cooldowns and the campaign warm-up can be crossed in
 * milliseconds of real time. Given a wall clock (the local `npm start` run), it follows real time and
 * `advance`/`set` shift it by an offset, so a developer can still jump ahead.
 */
export class SandboxClock {
  private current: number;
  private offset = 0;

  constructor(
    private readonly startTime: number,
    private readonly wall?: () => number,
  ) {
    this.current = startTime;
  }

  now(): number {
    return this.wall ? this.wall() + this.offset : this.current;
  }

  advance(ms: number): number {
    if (this.wall) this.offset += ms;
    else this.current += ms;
    return this.now();
  }

  set(now: number): number {
    if (this.wall) this.offset = now - this.wall();
    else this.current = now;
    return this.now();
  }

  /** Back to the time the sandbox was started with (used by reset); a wall clock loses its offset. */
  rewind(): number {
    this.offset = 0;
    this.current = this.startTime;
    return this.now();
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
