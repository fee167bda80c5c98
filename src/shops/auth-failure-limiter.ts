import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/clock';

/** Failures of one client address are counted over this window. */
const WINDOW_MS = 60_000;
/** A client mistyping a key gets this many plain 401s per window before its answers slow down. */
const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
/** One log line per interval says how many failures there were, instead of a line per try. */
const LOG_INTERVAL_MS = 60_000;
/** Addresses tracked at most; past this, the quietest are forgotten first (memory stays bounded under a spray). */
const MAX_ADDRESSES = 10_000;

interface AddressFailures {
  windowStart: number;
  count: number;
}

/**
 * Slows down failed API-key authentication per client address (the socket's address, `req.ip`): after
 * FREE_FAILURES in a window, each further 401 is held back 250 ms, doubling up to 5 s, so guessing keys
 * costs the guesser time while a valid key is never delayed. Failures are logged as a rate: one warn line
 * per LOG_INTERVAL_MS with the count, the number of addresses and the busiest ones.
 */
@Injectable()
export class AuthFailureLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(AuthFailureLimiter.name);
  private readonly byAddress = new Map<string, AddressFailures>();
  private interval: { start: number; count: number; byAddress: Map<string, number> };
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly clock: Clock) {
    this.interval = { start: clock.now().getTime(), count: 0, byAddress: new Map() };
    this.timer = setInterval(() => this.flush(), LOG_INTERVAL_MS);
    this.timer.unref();
  }

  /** Records a failed authentication from `address`; returns how long (ms) to hold its 401 back. */
  recordFailure(address: string): number {
    const now = this.clock.now().getTime();
    if (now - this.interval.start >= LOG_INTERVAL_MS) this.flush();
    this.interval.count++;
    this.interval.byAddress.set(address, (this.interval.byAddress.get(address) ?? 0) + 1);

    let entry = this.byAddress.get(address);
    if (!entry || now - entry.windowStart >= WINDOW_MS) {
      entry = { windowStart: now, count: 0 };
      if (this.byAddress.size >= MAX_ADDRESSES) this.forgetQuietest();
    }
    entry.count++;
    // Re-inserted so that the map's order is least recently failed first.
    this.byAddress.delete(address);
    this.byAddress.set(address, entry);
    return delayFor(entry.count);
  }

  /** Writes the interval's line (when there were failures) and starts the next interval. */
  flush(): void {
    const { count, byAddress, start } = this.interval;
    const now = this.clock.now().getTime();
    this.interval = { start: now, count: 0, byAddress: new Map() };
    for (const [address, entry] of this.byAddress) if (now - entry.windowStart >= WINDOW_MS) this.byAddress.delete(address);
    if (count === 0) return;
    const top = [...byAddress.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([address, n]) => ({ address, count: n }));
    this.logger.warn({ msg: 'authentication failures', count, addresses: byAddress.size, seconds: Math.round((now - start) / 1000), top });
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private forgetQuietest(): void {
    const oldest = this.byAddress.keys().next();
    if (!oldest.done) this.byAddress.delete(oldest.value);
  }
}

/** The hold-back of the n-th failure of a window: none for the first FREE_FAILURES, then 250 ms doubling, at most 5 s. */
export function delayFor(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_MS);
}
