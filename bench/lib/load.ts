import { createHmac } from 'node:crypto';
import { Agent, request, type IncomingMessage } from 'node:http';

/** A signed webhook delivery, ready to post. */
export interface Delivery {
  body: Buffer;
  signature: string;
}

export function signed(body: unknown, appSecret: string): Delivery {
  const raw = Buffer.from(JSON.stringify(body));
  return { body: raw, signature: `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}` };
}

export interface LoadResult {
  accepted: number;
  refused: number;
  seconds: number;
  /** Milliseconds until the 200, sorted. */
  latencies: number[];
  /** CPU this process (the load generator) used, as a share of one core. */
  generatorCpu: number;
}

export function post(agent: Agent, port: number, delivery: Delivery, path = '/webhooks/messenger'): Promise<number> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/json', 'Content-Length': delivery.body.length, 'X-Hub-Signature-256': delivery.signature },
      },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolvePost(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/** `concurrency` workers on as many keep-alive sockets, each posting the next delivery as soon as the previous one is answered. */
export async function runLoad(port: number, deliveries: readonly Delivery[], concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  let refused = 0;
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++]!;
      const sent = process.hrtime.bigint();
      const status = await post(agent, port, delivery);
      if (status === 200) latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
      else refused++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { accepted: latencies.length, refused, seconds, latencies, generatorCpu: (cpu.user + cpu.system) / 1e6 / seconds };
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
