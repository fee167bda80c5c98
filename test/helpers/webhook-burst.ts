import { Agent, request } from 'node:http';
import { signWebhookBody } from '../../libs/messenger-sandbox/src';
import { TEST_APP_SECRET, type TestApp } from './test-app';

export interface WebhookBurst {
  /** Stops sending and resolves once every delivery sent has been answered. */
  stop(): Promise<{ sent: number; answered200: number }>;
}

/**
 * Other customers writing to the Page, as Meta delivers them: signed `messages` webhooks (batches of
 * `eventsPerDelivery` events, a new PSID each) POSTed to the app's real endpoint at `perSecond`
 * deliveries a second, in ticks of 10 ms, until stopped. At 300 a second the inbox processor yields to
 * intake (IntakeLoad) and a backlog of acknowledged deliveries builds up, as in production.
 */
export interface BurstOptions {
  /** What customer number `n` writes; default `Still in stock? #<delivery>`. */
  text?: (n: number) => string;
  /** Stop posting once this many customers have written (their deliveries are still awaited by stop()). */
  customers?: number;
}

/** The PSID of the burst's customer number `n` (0-based) on the Page. */
export const burstPsid = (pageId: string, n: number): string => `9${String(n).padStart(9, '0')}${pageId.slice(-4)}`;

export function startWebhookBurst(
  t: TestApp,
  pageId: string,
  perSecond = 300,
  eventsPerDelivery = 10,
  options: BurstOptions = {},
): WebhookBurst {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const target = new URL(`${t.url}/webhooks/messenger`);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let answered200 = 0;
  const post = (): void => {
    const n = sent++;
    const at = t.clock.now().getTime();
    // Meta batches events that arrive together into one delivery (each entry one customer's message).
    const raw = JSON.stringify({
      object: 'page',
      entry: Array.from({ length: eventsPerDelivery }, (_, i) => {
        const psid = burstPsid(pageId, n * eventsPerDelivery + i);
        return {
          id: pageId,
          time: at,
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: pageId },
              timestamp: at,
              message: { mid: `m_burst_${psid}`, text: options.text?.(n * eventsPerDelivery + i) ?? `Still in stock? #${n}` },
            },
          ],
        };
      }),
    });
    const done = new Promise<void>((resolve) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'Content-Type': 'application/json', 'X-Hub-Signature-256': signWebhookBody(raw, TEST_APP_SECRET) },
        },
        (res) => {
          if (res.statusCode === 200) answered200++;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', () => resolve());
      req.end(raw);
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  // Paced by elapsed time, not by ticks: when the event loop is busy (the app under test may share it),
  // a late tick sends what is owed.
  const started = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    const limit = options.customers === undefined ? due : Math.min(due, Math.ceil(options.customers / eventsPerDelivery));
    const owed = limit - sent;
    for (let i = 0; i < owed; i++) post();
  }, 10);
  return {
    async stop() {
      clearInterval(timer);
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      agent.destroy();
      return { sent, answered200 };
    },
  };
}
