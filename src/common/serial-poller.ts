/**
 * One pass of a background job at a time, by timer or on demand: `run()` waits for a pass under way,
 * then runs its own; the timer skips a tick while a pass runs; `stop()` clears the timer and waits for
 * the pass under way, so a shutdown never cuts off a Graph call between its answer and its record.
 */
export class SerialPoller {
  private timer?: NodeJS.Timeout;
  private current?: Promise<number>;

  /** `pass` returns how much it did; `onError` gets what a timer-started pass threw. */
  constructor(
    private readonly pass: () => Promise<number>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts a pass every `everyMs` (ms); the timer does not keep the process alive. */
  start(everyMs: number): void {
    this.timer = setInterval(() => {
      if (!this.current) this.run().catch(this.onError);
    }, everyMs);
    this.timer.unref();
  }

  async run(): Promise<number> {
    while (this.current) await this.current;
    this.current = this.pass().finally(() => (this.current = undefined));
    return this.current;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.current) await this.current;
  }
}
