/**
 * Webhook intake throughput: the shipped app (`node dist/src/main.js`, its own process) against a bare
 * `node:http` server (also its own process) that only reads the body and checks X-Hub-Signature-256.
 * Both get the same signed, unique, Meta-shaped batches (messages and opt-ins) from this process over
 * loopback keep-alive connections. Then every delivery the app accepted must be a `webhook_inbox` row,
 * and every row must reach `done`.
 *
 *   npm run bench:webhooks [-- --requests 20000 --rounds 4 --events 10 --concurrency 64 --mysql mysql://root@127.0.0.1:3306/x --cpu-prof]
 *
 * The two take turns, `--rounds` times each on a share of the requests, so that a machine that slows
 * down or speeds up during the run (a shared 2-core box does) weighs on both alike. The app runs as
 * `npm start` does (roles api and worker in one process), so it processes what it accepts meanwhile.
 * Prints figures, then one JSON line. `--mysql` runs the app on a fresh database it creates on that
 * server (and drops); the default is an embedded SQLite file in a temporary DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DatabaseSettings } from '../config/app-config';
import { openDataSource } from '../src/database/data-source';
import { aFreshMysqlDatabase, databaseSettings } from './lib/databases';
import { percentile, post, round, runLoad, signed, type Delivery, type LoadResult } from './lib/load';
import { serveBareWebhooks, spawnListening, stop, type Child } from './lib/processes';

const APP_SECRET = 'bench-webhooks-app-secret';
const PAGE_IDS = ['104857361234567', '104857361234568', '104857361234569', '104857361234570'];
const BARE_SERVER_FLAG = '--bare-server';

interface Options {
  requests: number;
  rounds: number;
  warmup: number;
  events: number;
  concurrency: number;
  mysql?: string;
  cpuProf: boolean;
  /** How long to wait for the inbox to drain after the load. */
  drainTimeoutMs: number;
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '1000' },
      events: { type: 'string', default: '10' },
      concurrency: { type: 'string', default: '64' },
      mysql: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      'drain-timeout': { type: 'string', default: '300' },
    },
  });
  const int = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer (got ${raw})`);
    return n;
  };
  return {
    requests: int('requests', values.requests),
    rounds: Math.max(1, int('rounds', values.rounds)),
    warmup: int('warmup', values.warmup),
    events: Math.max(1, int('events', values.events)),
    concurrency: Math.max(1, int('concurrency', values.concurrency)),
    mysql: values.mysql,
    cpuProf: values['cpu-prof'] ?? false,
    drainTimeoutMs: int('drain-timeout', values['drain-timeout']) * 1000,
  };
}

// ---- the traffic ---------------------------------------------------------------------------------

/**
 * One delivery as Meta batches them: `events` entries, each one messaging item, 4 in 5 a customer's
 * message and 1 in 5 an opt-in tap. Ids carry the run id and a counter, so every body is unique.
 */
function aDelivery(runId: string, seq: number, events: number, at: number): Delivery {
  const entry = [];
  for (let i = 0; i < events; i++) {
    const n = seq * events + i;
    const pageId = PAGE_IDS[n % PAGE_IDS.length];
    const psid = String(7_100_000_000_000 + n);
    const timestamp = at + i;
    const base = { sender: { id: psid }, recipient: { id: pageId }, timestamp };
    const item =
      n % 5 === 4
        ? {
            ...base,
            optin: {
              type: 'notification_messages',
              payload: 'topic-flash-sales',
              notification_messages_token: `${runId}${n.toString(36).padStart(8, '0')}mmtoken`,
              notification_messages_timezone: 'Asia/Manila',
              user_token_status: 'NOT_REFRESHED',
              title: 'Flash sales',
            },
          }
        : { ...base, message: { mid: `m_${runId}_${n}`, text: `Hi! Is item #${n % 997} still available in size M?` } };
    entry.push({ id: pageId, time: timestamp, messaging: [item] });
  }
  return signed({ object: 'page', entry }, APP_SECRET);
}

// ---- the database side -----------------------------------------------------------------------------

interface InboxState {
  rows: number;
  done: number;
  byStatus: Record<string, number>;
}

async function inboxState(settings: DatabaseSettings): Promise<InboxState> {
  const db = await openDataSource(settings);
  try {
    const rows = (await db.query('SELECT status, COUNT(*) AS n FROM webhook_inbox GROUP BY status')) as Array<{
      status: string;
      n: number | string;
    }>;
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    return { rows: Object.values(byStatus).reduce((a, b) => a + b, 0), done: byStatus.done ?? 0, byStatus };
  } finally {
    await db.destroy();
  }
}

/** Polls until every row is done, or until nothing has moved for the timeout. */
async function waitForDrain(settings: DatabaseSettings, timeoutMs: number): Promise<{ state: InboxState; seconds: number }> {
  const started = Date.now();
  let state = await inboxState(settings);
  let lastProgress = Date.now();
  while (state.done < state.rows && Date.now() - lastProgress < timeoutMs) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await inboxState(settings);
    if (now.done > state.done) lastProgress = Date.now();
    state = now;
  }
  return { state, seconds: (Date.now() - started) / 1000 };
}

// ---- the run -------------------------------------------------------------------------------------

/** Several rounds as one: their requests, their time under load, their latencies. */
function combined(rounds: LoadResult[]): LoadResult {
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    accepted: rounds.reduce((sum, r) => sum + r.accepted, 0),
    refused: rounds.reduce((sum, r) => sum + r.refused, 0),
    seconds,
    latencies: rounds.flatMap((r) => r.latencies).sort((a, b) => a - b),
    generatorCpu: rounds.reduce((sum, r) => sum + r.generatorCpu * r.seconds, 0) / seconds,
  };
}

function describeLoad(name: string, load: LoadResult, events: number): string {
  const eventsPerSecond = (load.accepted * events) / load.seconds;
  return (
    `${name.padEnd(5)} ${load.accepted} deliveries × ${events} events in ${load.seconds.toFixed(2)} s: ` +
    `${Math.round(eventsPerSecond).toLocaleString('en-US')} events/s (${Math.round(load.accepted / load.seconds).toLocaleString('en-US')} req/s), ` +
    `p50 ${percentile(load.latencies, 50).toFixed(2)} ms, p99 ${percentile(load.latencies, 99).toFixed(2)} ms, refused ${load.refused}, ` +
    `load generator at ${Math.round(load.generatorCpu * 100)} % of a core`
  );
}

async function main(): Promise<void> {
  const options = readOptions();
  const runId = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-bench-webhooks-'));
  const mysql = options.mysql ? await aFreshMysqlDatabase(options.mysql, runId) : undefined;
  const databaseUrl = mysql?.url ?? `sqlite:${join(dataDir, 'mm.sqlite')}`;
  const settings = databaseSettings(databaseUrl);

  const at = Date.now();
  const total = options.warmup + options.requests;
  const deliveries = Array.from({ length: total }, (_, seq) => aDelivery(runId, seq, options.events, at));
  const forged: Delivery = { ...aDelivery(runId, total, 1, at), signature: `sha256=${'0'.repeat(64)}` };

  const children: Child[] = [];
  try {
    const bare = await spawnListening([__filename, BARE_SERVER_FLAG], { PATH: process.env.PATH });
    children.push(bare);
    const app = await spawnListening(
      [...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(dataDir, 'profile')}`] : []), resolve(__dirname, '../src/main.js')],
      {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        // Webhook intake never calls Graph; a URL (with the secret) only keeps the bundled sandbox from starting.
        GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
        META_APP_SECRET: APP_SECRET,
        META_VERIFY_TOKEN: 'bench-verify-token',
        ENCRYPTION_KEY: 'ab'.repeat(32),
        LOG_LEVEL: 'info',
      },
    );
    children.push(app);

    // Both must check the signature, or the comparison means nothing.
    for (const [name, port] of [
      ['bare', bare.port],
      ['app', app.port],
    ] as const) {
      const agent = new Agent();
      const status = await post(agent, port, forged);
      agent.destroy();
      if (status !== 403) throw new Error(`${name} answered ${status} to a forged signature`);
    }

    process.stdout.write(
      `webhook intake: ${options.requests} signed deliveries × ${options.events} events (+${options.warmup} warm-up), ${options.concurrency} keep-alive connections, ` +
        `${options.rounds} rounds each, app on ${settings.dialect}\n`,
    );
    const warmup = deliveries.slice(0, options.warmup);
    await runLoad(bare.port, warmup, options.concurrency);
    const appWarmup = await runLoad(app.port, warmup, options.concurrency);
    const bareRounds: LoadResult[] = [];
    const appRounds: LoadResult[] = [];
    // After each app round the app processes what it accepted; the next bare round waits for that,
    // or the bare server would share the machine with the app's processing.
    let drainSeconds = (await waitForDrain(settings, options.drainTimeoutMs)).seconds;
    const perRound = Math.ceil(options.requests / options.rounds);
    for (let start = options.warmup; start < total; start += perRound) {
      const round = deliveries.slice(start, Math.min(total, start + perRound));
      bareRounds.push(await runLoad(bare.port, round, options.concurrency));
      appRounds.push(await runLoad(app.port, round, options.concurrency));
      if (start + perRound < total) drainSeconds += (await waitForDrain(settings, options.drainTimeoutMs)).seconds;
    }
    const bareLoad = combined(bareRounds);
    const appLoad = combined(appRounds);
    process.stdout.write(describeLoad('bare', bareLoad, options.events) + '\n');
    process.stdout.write(describeLoad('app', appLoad, options.events) + '\n');

    const accepted = appWarmup.accepted + appLoad.accepted;
    const { state, seconds } = await waitForDrain(settings, options.drainTimeoutMs);
    // Every 200 is a promise that the delivery is stored; a body is unique, so one row each.
    const lost = Math.max(0, accepted - state.rows) + (state.rows - state.done);
    drainSeconds += seconds;
    // Everything accepted, processed: over the time under load plus the waits for the inbox to drain.
    const processedEvents = (accepted * options.events) / (appWarmup.seconds + appLoad.seconds + drainSeconds);
    process.stdout.write(
      `inbox: ${state.rows} rows for ${accepted} accepted deliveries; ${JSON.stringify(state.byStatus)} ` +
        `${state.done === state.rows ? `all done, after ${drainSeconds.toFixed(1)} s of draining in all` : `NOT drained after ${seconds.toFixed(1)} s`}; ` +
        `processed ${Math.round(processedEvents).toLocaleString('en-US')} events/s end to end; lost ${lost}\n`,
    );

    const appEvents = (appLoad.accepted * options.events) / appLoad.seconds;
    const bareEvents = (bareLoad.accepted * options.events) / bareLoad.seconds;
    const ratio = appEvents / bareEvents;
    process.stdout.write(`app / bare: ${ratio.toFixed(3)} (target ≥ 0.5)${ratio < 0.5 ? ' BELOW TARGET' : ''}\n`);
    await stop(app);
    if (options.cpuProf) process.stdout.write(`app CPU profile in ${join(dataDir, 'profile')} (kept)\n`);
    process.stdout.write(
      JSON.stringify({
        bench: 'webhooks',
        events_per_s: Math.round(appEvents),
        bare_events_per_s: Math.round(bareEvents),
        ratio: round(ratio, 3),
        p99_ms: round(percentile(appLoad.latencies, 99), 2),
        lost,
        processed_events_per_s: Math.round(processedEvents),
        drain_s: round(drainSeconds, 1),
        p50_ms: round(percentile(appLoad.latencies, 50), 2),
        bare_p99_ms: round(percentile(bareLoad.latencies, 99), 2),
        database: settings.dialect,
        events_per_request: options.events,
        concurrency: options.concurrency,
        requests: options.requests,
        rounds: options.rounds,
      }) + '\n',
    );
    if (lost > 0 || appLoad.refused > 0) process.exitCode = 1;
  } finally {
    for (const child of children) await stop(child);
    await mysql?.drop();
    if (!options.cpuProf) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === BARE_SERVER_FLAG) {
  serveBareWebhooks(APP_SECRET);
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:webhooks failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
