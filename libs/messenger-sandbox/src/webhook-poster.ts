import { createHmac } from 'node:crypto';
import axios from 'axios';

export interface WebhookPosterOptions {
  appSecret: string;
  /** Read at each post: the control API can move the target while the sandbox runs. */
  target: () => string | undefined;
  logger?: (line: string) => void;
  /** Waits between attempts after a non-2xx answer or a network error. */
  retryDelaysMs?: number[];
  /** Meta gives a receiver 5 seconds to answer. */
  timeoutMs?: number;
}

/** How many of the last posted bodies are kept for `redeliver`. */
const RECENT_KEPT = 100;

export interface WebhookCounts {
  posted: number;
  failed: number;
  pending: number;
  skipped: number;
}

/** `sha256=<hex HMAC-SHA256 of the exact raw body>`, the X-Hub-Signature-256 header Meta sends. */
export function signWebhookBody(rawBody: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * Posts signed webhooks like Meta: waits for each answer and retries a non-2xx a few times.
 * Undelivered bodies are counted, not queued forever.
 */
export class WebhookPoster {
  private posted = 0;
  private failed = 0;
  private skipped = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly abort = new AbortController();
  private readonly retryDelaysMs: number[];
  private readonly timeoutMs: number;
  /** Raw bodies kept back while holding (see hold()), in the order they were posted. */
  private held: string[] | undefined;
  /** The last bodies posted (or held), newest last, for redeliveries. */
  private readonly recent: string[] = [];

  constructor(private readonly options: WebhookPosterOptions) {
    this.retryDelaysMs = options.retryDelaysMs ?? [50, 150, 450];
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * Delivers the body `deliveries` times (the same bytes each time, like Meta's redeliveries) and
   * resolves when every delivery succeeded or was given up.
   */
  post(body: unknown, deliveries = 1): Promise<void> {
    const raw = JSON.stringify(body);
    this.remember(raw);
    if (this.held) {
      for (let i = 0; i < deliveries; i++) this.held.push(raw);
      return Promise.resolve();
    }
    return this.track(async () => {
      for (let i = 0; i < deliveries; i++) await this.deliver(raw);
    });
  }

  /** Several bodies in order, without making the caller wait (used on the marketing send hot path). */
  postInBackground(bodies: unknown[]): void {
    for (const body of bodies) this.remember(JSON.stringify(body));
    if (this.held) {
      for (const body of bodies) this.held.push(JSON.stringify(body));
      return;
    }
    void this.track(async () => {
      for (const body of bodies) await this.deliver(JSON.stringify(body));
    });
  }

  /**
   * From now on keeps every body back instead of posting it (a delivery Meta failed and will retry),
   * until release(). Returns how many are held.
   */
  hold(): number {
    this.held ??= [];
    return this.held.length;
  }

  /**
   * Stops holding and posts the held bodies, each waited for, in the order they were posted, or in
   * `order` (indexes into the held bodies: late, out of order, twice, or never, as Meta may deliver
   * them). Returns how many deliveries were made. Throws RangeError for an index out of range.
   */
  async release(order?: number[]): Promise<number> {
    const held = this.held ?? [];
    const picks = order ?? held.map((_, i) => i);
    const bad = picks.find((i) => !Number.isInteger(i) || i < 0 || i >= held.length);
    if (bad !== undefined) throw new RangeError(`order: ${bad} is not the index of one of the ${held.length} held webhooks`);
    this.held = undefined;
    await this.track(async () => {
      for (const i of picks) await this.deliver(held[i]!);
    });
    return picks.length;
  }

  /** The body posted `ago` posts before the last one (0: the last), parsed; undefined when not kept. */
  recentBody(ago: number): unknown {
    const raw = this.recent[this.recent.length - 1 - ago];
    return raw === undefined ? undefined : JSON.parse(raw);
  }

  counts(): WebhookCounts {
    return { posted: this.posted, failed: this.failed, pending: this.inFlight.size, skipped: this.skipped };
  }

  /** Stops holding and forgets the held bodies and the kept recent ones (the control API's reset). */
  forgetHeld(): void {
    this.held = undefined;
    this.recent.length = 0;
  }

  resetCounts(): void {
    this.posted = 0;
    this.failed = 0;
    this.skipped = 0;
  }

  /** Resolves once nothing is in flight, including posts started while waiting. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  close(): void {
    this.abort.abort();
    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
  }

  private remember(raw: string): void {
    this.recent.push(raw);
    if (this.recent.length > RECENT_KEPT) this.recent.shift();
  }

  private track(work: () => Promise<void>): Promise<void> {
    const running = work().finally(() => this.inFlight.delete(running));
    this.inFlight.add(running);
    return running;
  }

  private async deliver(raw: string): Promise<void> {
    const url = this.options.target();
    if (url === undefined || url === '') {
      this.skipped++;
      return;
    }
    const signature = signWebhookBody(raw, this.options.appSecret);
    for (let attempt = 0; attempt <= this.retryDelaysMs.length; attempt++) {
      if (this.abort.signal.aborted) break;
      if (attempt > 0) await this.sleep(this.retryDelaysMs[attempt - 1]);
      const outcome = await this.attempt(url, raw, signature);
      if (outcome === 'delivered') {
        this.posted++;
        return;
      }
      this.options.logger?.(`webhook to ${url} attempt ${attempt + 1} failed: ${outcome}`);
    }
    this.failed++;
  }

  private async attempt(url: string, raw: string, signature: string): Promise<string> {
    try {
      const response = await axios.post(url, raw, {
        headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signature },
        // The signature covers these exact bytes: axios must not re-serialise them.
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
        timeout: this.timeoutMs,
        signal: this.abort.signal,
      });
      return response.status >= 200 && response.status < 300 ? 'delivered' : `HTTP ${response.status}`;
    } catch (error: unknown) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }
}
