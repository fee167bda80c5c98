/** Counting windows, and how many deliveries in one make intake busy: 20 in 100 ms, 200 a second. */
const WINDOW_MS = 100;
const BUSY_ARRIVALS = 20;

/**
 * Whether webhook intake is busy enough that inbox processing should leave it the CPU. Below 200
 * deliveries a second, storing them costs a few per cent of a core and processing goes at full speed:
 * a steady trickle must not slow it down. Arrivals are counted in fixed windows, the current one and the
 * one before it.
 */
export class IntakeLoad {
  private windowStart = -Infinity;
  private arrivals = 0;
  private arrivalsBefore = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  arrived(): void {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.arrivalsBefore = now - this.windowStart < 2 * WINDOW_MS ? this.arrivals : 0;
      this.windowStart = now;
      this.arrivals = 0;
    }
    this.arrivals++;
  }

  /** Either of the last two windows was busy (the latest may be young and still counting). */
  busy(): boolean {
    if (this.now() - this.windowStart >= 2 * WINDOW_MS) return false;
    return Math.max(this.arrivals, this.arrivalsBefore) >= BUSY_ARRIVALS;
  }
}
