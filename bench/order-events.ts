/**
 * POS order events to opt-in requests: the shipped app (`node dist/src/main.js`, its own process, api and
 * worker roles) with one active rule "CONFIRMED → a sequence whose only step is the MM button", against
 * the Messenger sandbox (in this process, standing in for Meta). Every customer wrote to the Page first,
 * so every event should end in exactly one opt-in request.
 *
 *   npm run bench:order-events [-- --events 10000 --concurrency 32 --mysql mysql://root@127.0.0.1:3306/x]
 *
 * Measures, in one run:
 * - baseline: the same number of opt-in requests sent straight to the sandbox with the Graph client at
 *   the same concurrency (what a plugin that cost nothing would achieve);
 * - app: POST /api/pos/order-events for every customer; events per second accepted (202), and for each
 *   event the time from the POST to its opt-in request recorded as sent (run_steps.finished_at);
 *   then every event must have exactly one opt-in request (lost: none sent; duplicates: more than one).
 * Prints figures, then one JSON line. `--mysql` runs the app on a fresh database it creates on that
 * server (and drops); the default is an embedded SQLite file in a temporary DATA_DIR.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GraphApiClient } from '../libs/graph-api/src';
import { startMessengerSandbox, type RunningSandbox } from '../libs/messenger-sandbox/src';
import { SANDBOX_API_VERSION } from '../config/app-config';
import { openDataSource } from '../src/database/data-source';
import { SqlDialect } from '../src/database/sql-dialect';
import { aFreshMysqlDatabase, databaseSettings } from './lib/databases';
import { percentile, round } from './lib/load';
import { spawnListening, stop, type Child } from './lib/processes';

const APP_SECRET = 'bench-order-events-app-secret';
const ENCRYPTION_KEY = 'cd'.repeat(32);
const PAGE_ID = '204857361234567';
const PAGE_TOKEN = 'EAAG-bench-order-events-page-token';
const TOPIC_TITLE = 'Order updates and promos';

interface Options {
  events: number;
  concurrency: number;
  mysql?: string;
  drainTimeoutMs: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      mysql: { type: 'string' },
      'drain-timeout': { type: 'string', default: '300' },
    },
  });
  const int = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${raw})`);
    return n;
  };
  return {
    events: int('events', values.events),
    concurrency: int('concurrency', values.concurrency),
    mysql: values.mysql,
    drainTimeoutMs: int('drain-timeout', values['drain-timeout']) * 1000,
  };
}

// ---- HTTP ------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: unknown;
}

function call(agent: Agent, port: number, method: string, path: string, apiKey: string, body?: object): Promise<Answer> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolveCall, reject) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          Authorization: `Bearer ${apiKey}`,
          ...(payload && { 'Content-Type': 'application/json', 'Content-Length': payload.length }),
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolveCall({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function expectStatus(answer: Promise<Answer>, status: number, what: string): Promise<Record<string, unknown>> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what}: expected ${status}, got ${got} ${JSON.stringify(body)}`);
  return body as Record<string, unknown>;
}

/** Runs `work(i)` for i in [0, count) on `concurrency` workers; returns the wall time in seconds. */
async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

// ---- processes -----------------------------------------------------------------------------------

function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [resolve(__dirname, '../src/cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`cli ${args.join(' ')} exited (${code}): ${err}`))));
  });
}

// ---- the run ---------------------------------------------------------------------------------------

interface Figures {
  perSecond: number;
  latencies: number[];
}

/** The floor: the same opt-in requests straight to the sandbox, no plugin in between. */
async function baseline(sandbox: RunningSandbox, psids: readonly string[], concurrency: number): Promise<Figures> {
  const graph = new GraphApiClient({ baseUrl: sandbox.graphUrl, appSecret: APP_SECRET, maxSockets: concurrency });
  const latencies: number[] = [];
  const seconds = await inParallel(psids.length, concurrency, async (i) => {
    const started = process.hrtime.bigint();
    const sent = await graph.sendOptinRequest(PAGE_TOKEN, PAGE_ID, psids[i]!, { title: 'Bench baseline', payload: 'bench-baseline' });
    if (!sent.ok) throw new Error(`baseline send refused: ${sent.error.kind} ${sent.error.message}`);
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  });
  graph.close();
  return { perSecond: psids.length / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const options = readOptions();
  const runId = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-bench-orders-'));
  const mysql = options.mysql ? await aFreshMysqlDatabase(options.mysql, runId) : undefined;
  const databaseUrl = mysql?.url ?? `sqlite:${join(dataDir, 'mm.sqlite')}`;
  const settings = databaseSettings(databaseUrl);
  const sandbox = await startMessengerSandbox({ port: 0, appSecret: APP_SECRET, apiVersion: SANDBOX_API_VERSION, startTime: Date.now() });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    GRAPH_API_URL: sandbox.graphUrl,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: 'bench-verify-token',
    ENCRYPTION_KEY,
    ROLES: 'api,worker',
    // info: the app's "listening" line (with its port) is an info line.
    LOG_LEVEL: 'info',
  };
  let app: Child | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    const apiKey = /api key[^:]*: (\S+)/.exec(await runCli(env, ['shops', 'create', 'Bench Threads']))?.[1];
    if (!apiKey) throw new Error('shops create printed no API key');
    app = await spawnListening([resolve(__dirname, '../src/main.js')], env);
    const port = app.port;
    await sandbox.control.setWebhookTarget(`http://127.0.0.1:${port}/webhooks/messenger`);
    await sandbox.control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN });

    await expectStatus(
      call(agent, port, 'POST', '/api/pages', apiKey, {
        id: PAGE_ID,
        name: 'Bench Threads PH',
        platform: 'facebook',
        accessToken: PAGE_TOKEN,
      }),
      201,
      'page',
    );
    const topic = await expectStatus(
      call(agent, port, 'POST', `/api/pages/${PAGE_ID}/topics`, apiKey, { title: TOPIC_TITLE }),
      201,
      'topic',
    );
    const sequence = await expectStatus(
      call(agent, port, 'POST', `/api/pages/${PAGE_ID}/sequences`, apiKey, {
        name: 'Order confirmed',
        steps: [{ type: 'optin', topicId: topic.id }],
      }),
      201,
      'sequence',
    );
    const rule = await expectStatus(
      call(agent, port, 'POST', '/api/pos-notification-rules', apiKey, {
        pageId: PAGE_ID,
        topicId: topic.id,
        sequenceId: sequence.id,
        orderStatus: 'CONFIRMED',
      }),
      201,
      'rule',
    );
    await expectStatus(call(agent, port, 'POST', `/api/pos-notification-rules/${String(rule.id)}/activate`, apiKey), 200, 'activate');

    const psids = Array.from(
      { length: options.events },
      (_, i) => `9${runId.replace(/\D/g, '').padEnd(6, '7').slice(0, 6)}${String(i).padStart(7, '0')}`,
    );
    process.stdout.write(
      `order events: ${options.events} customers, ${options.concurrency} concurrent callers, app on ${settings.dialect}\n`,
    );
    const seedSeconds = await inParallel(psids.length, options.concurrency, async (i) => {
      await sandbox.control.personMessage({ pageId: PAGE_ID, psid: psids[i]!, text: 'Is the blue dress available?' });
    });
    const dataSource = await openDataSource(settings);
    await waitFor(
      async () =>
        Number(
          ((await dataSource.query('SELECT COUNT(*) AS n FROM people WHERE page_id = ?', [PAGE_ID])) as Array<{ n: unknown }>)[0]!.n,
        ) >= psids.length,
      options.drainTimeoutMs,
      'the customers’ messages to be processed',
    );
    process.stdout.write(`setup: ${psids.length} customers wrote to the Page (${seedSeconds.toFixed(1)} s)\n`);

    const bare = await baseline(sandbox, psids, options.concurrency);
    process.stdout.write(
      `baseline (Graph client → sandbox, no plugin): ${Math.round(bare.perSecond)} opt-in requests/s, p50 ${percentile(bare.latencies, 50).toFixed(2)} ms, p99 ${percentile(bare.latencies, 99).toFixed(2)} ms\n`,
    );

    const sendsBefore = (await sandbox.control.stats()).sends;
    const postedAt = new Map<string, number>();
    let refused = 0;
    const occurredAt = new Date().toISOString();
    const ingestSeconds = await inParallel(psids.length, options.concurrency, async (i) => {
      const orderId = `PO-${runId}-${i}`;
      postedAt.set(orderId, Date.now());
      const answer = await call(agent, port, 'POST', '/api/pos/order-events', apiKey, {
        orderId,
        pageId: PAGE_ID,
        customerPsid: psids[i],
        status: 'CONFIRMED',
        previousStatus: 'NEW',
        occurredAt,
        customerName: 'Maria',
        total: 125000,
        currency: 'PHP',
        items: [{ name: 'Blue linen dress', quantity: 1 }],
      });
      if (answer.status !== 202 || (answer.body as { dispatched: unknown[] }).dispatched.length !== 1) refused++;
    });
    const eventsPerSecond = psids.length / ingestSeconds;
    process.stdout.write(
      `app: ${psids.length - refused} events accepted in ${ingestSeconds.toFixed(1)} s = ${Math.round(eventsPerSecond)} events/s (${refused} refused)\n`,
    );

    const drained = await waitFor(
      async () =>
        Number(
          (
            (await dataSource.query(`SELECT COUNT(*) AS n FROM run_steps WHERE status IN ('waiting', 'pending', 'sending')`)) as Array<{
              n: unknown;
            }>
          )[0]!.n,
        ) === 0,
      options.drainTimeoutMs,
      'every run step to finish',
    );
    const rows = (await dataSource.query(
      `SELECT e.order_id, s.status, s.finished_at FROM order_events e LEFT JOIN run_steps s ON s.run_id = e.run_id AND s.type = 'optin' WHERE e.rule_id = ?`,
      [rule.id],
    )) as Array<{ order_id: string; status: string | null; finished_at: unknown }>;
    await dataSource.destroy();
    const latencies: number[] = [];
    const byStatus: Record<string, number> = {};
    let lastSent = 0;
    for (const row of rows) {
      byStatus[row.status ?? 'no_run'] = (byStatus[row.status ?? 'no_run'] ?? 0) + 1;
      if (row.status !== 'sent') continue;
      const sentAt = SqlDialect.parseTime(row.finished_at).getTime();
      lastSent = Math.max(lastSent, sentAt);
      latencies.push(sentAt - postedAt.get(row.order_id)!);
    }
    latencies.sort((a, b) => a - b);
    const sent = latencies.length;
    const lost = psids.length - sent;
    const duplicates = (await sandbox.control.stats()).sends - sendsBefore - sent;
    const firstPost = Math.min(...postedAt.values());
    const optinsPerSecond = sent / ((lastSent - firstPost) / 1000);
    process.stdout.write(
      `app: opt-in requests ${JSON.stringify(byStatus)}, all done ${drained.toFixed(1)} s after the last event; ${Math.round(optinsPerSecond)} sent/s end to end; ` +
        `event → opt-in sent p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms; lost ${lost}, duplicates ${duplicates}\n`,
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'order-events',
        events: psids.length,
        events_per_s: Math.round(eventsPerSecond),
        optins_per_s: Math.round(optinsPerSecond),
        p50_ms: round(percentile(latencies, 50)),
        p99_ms: round(percentile(latencies, 99)),
        lost,
        duplicates,
        baseline_per_s: Math.round(bare.perSecond),
        baseline_p50_ms: round(percentile(bare.latencies, 50), 2),
        baseline_p99_ms: round(percentile(bare.latencies, 99), 2),
        database: settings.dialect,
        concurrency: options.concurrency,
      }) + '\n',
    );
    if (lost > 0 || duplicates !== 0 || refused > 0) process.exitCode = 1;
  } finally {
    agent.destroy();
    if (app) await stop(app);
    await sandbox.close();
    await mysql?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Polls `done` every 100 ms; returns the seconds it took, or throws after `timeoutMs`. */
async function waitFor(done: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return (Date.now() - started) / 1000;
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:order-events failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
