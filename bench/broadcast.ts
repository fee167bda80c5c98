/**
 * Broadcast throughput: W worker processes (`node dist/src/worker.js`, role worker) send one campaign
 * to N subscribers on MariaDB, against the Messenger sandbox (in this process, standing in for Meta)
 * with throttling off. In the same run, a bare loop (a child process, the same Graph client) posts N
 * marketing sends to the sandbox at the same total concurrency: what a plugin that cost nothing would do.
 *
 *   npm run bench:broadcast [-- --million] [-- --recipients 100000 --workers 3 --concurrency 64 --mysql mysql://root@127.0.0.1:3306/test]
 *
 * `--kills K` kills the first worker with SIGKILL K times during the sandbox run (restarting it in between),
 * the SIGKILL drill (README, Broadcasts): `missing` (recipients Meta never got) and `uncertain` must stay within
 * K × concurrency, `duplicates` at 0.
 *
 * Then the plugin's own cost, which the sandbox hides (it is the bottleneck): a null sink (a bare HTTP
 * server answering the Marketing Message API's success body at once,
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/send-messages) takes a second campaign to N
 * fresh subscribers from fresh worker processes, beside a bare loop posting to the same sink; the CPU
 * seconds of the workers and of MariaDB (utime+stime from /proc/<pid>/stat) are read around that run.
 *
 * Prints figures, then one JSON line:
 * {"bench":"broadcast","recipients","msgs_per_s","bare_msgs_per_s","ratio","peak_rss_mb","duplicates","missing","uncertain",
 *  "kills","sink_msgs_per_s","sink_bare_msgs_per_s","sink_ratio","worker_cpu_s_per_1k","mariadb_cpu_s_per_1k"}.
 * The run gets its own database on the server (`<name>_bench_<random>`), dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { GraphApiClient } from '../libs/graph-api/src';
import { SandboxControl, startMessengerSandbox } from '../libs/messenger-sandbox/src';
import { loadConfig } from '../config/app-config';
import { TokenCipher } from '../src/common/token-cipher';
import { openDataSource } from '../src/database/data-source';
import type { DataSource } from 'typeorm';
import { runMigrations } from '../src/database/migrate';

const APP_SECRET = 'bench-broadcast-app-secret';
const ENCRYPTION_KEY = 'ef'.repeat(32);
const PAGE_ID = '304857361234567';
/** The Page of the null-sink run (its own subscribers, so the sandbox run's daily sends do not hold them). */
const SINK_PAGE_ID = '304857361234568';
const PAGE_TOKEN = 'EAAG-bench-broadcast-page-token';
const AD_ACCOUNT = '998877665544';
const SYSTEM_TOKEN = 'EAAB-bench-broadcast-system-user';
const HOUR = 3_600_000;
/** As in package.json's start:worker: V8 grows a worker's heap lazily toward 300 MB unless capped. */
const WORKER_NODE_OPTIONS = '--max-old-space-size=192';
const ROOT = resolve(__dirname, '../..');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => void process.stdout.write(`${line}\n`);

interface Options {
  /** NODE_OPTIONS for the worker processes; default the heap cap `npm run start:worker` ships with. */
  workerNodeOptions: string;
  recipients: number;
  workers: number;
  concurrency: number;
  mysql: string;
  kills: number;
}

function readOptions(): Options & {
  bare?: { graphUrl: string; controlUrl?: string; campaign: string; count: number; concurrency: number };
} {
  const { values } = parseArgs({
    options: {
      million: { type: 'boolean', default: false },
      recipients: { type: 'string' },
      workers: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '64' },
      mysql: { type: 'string', default: 'mysql://root@127.0.0.1:3306/test' },
      bare: { type: 'boolean', default: false },
      'graph-url': { type: 'string' },
      'control-url': { type: 'string' },
      campaign: { type: 'string' },
      'worker-node-options': { type: 'string', default: WORKER_NODE_OPTIONS },
      kills: { type: 'string', default: '0' },
    },
  });
  const int = (name: string, raw: string | undefined): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got ${raw})`);
    return n;
  };
  const recipients = values.recipients !== undefined ? int('recipients', values.recipients) : values.million ? 1_000_000 : 100_000;
  const options = {
    recipients,
    workers: int('workers', values.workers),
    concurrency: int('concurrency', values.concurrency),
    mysql: values.mysql!,
    workerNodeOptions: values['worker-node-options']!,
    kills: values.kills === '0' ? 0 : int('kills', values.kills),
  };
  if (!values.bare) return options;
  return {
    ...options,
    bare: {
      graphUrl: values['graph-url']!,
      controlUrl: values['control-url'],
      campaign: values.campaign!,
      count: recipients,
      concurrency: options.workers * options.concurrency,
    },
  };
}

/**
 * The bare loop, in its own process: fetch the tokens (untimed; made up for the null sink, which has no
 * control API), then N sends at the given concurrency (timed).
 */
async function bareLoop(o: { graphUrl: string; controlUrl?: string; campaign: string; count: number; concurrency: number }): Promise<void> {
  const control = o.controlUrl ? new SandboxControl(o.controlUrl) : undefined;
  const tokens: string[] = control ? [] : Array.from({ length: o.count }, (_, i) => `sink-token-${i}`);
  for (let offset = 0; control && tokens.length < o.count; offset += 10_000) {
    const page = await control.tokens({ pageId: PAGE_ID, offset, limit: 10_000 });
    tokens.push(...page.data.map((t) => t.token));
    if (page.data.length === 0) break;
  }
  const graph = new GraphApiClient({ baseUrl: o.graphUrl, appSecret: APP_SECRET, maxSockets: o.concurrency, maxRateLimitWaitMs: 0 });
  let next = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const r = await graph.sendMarketingMessage(SYSTEM_TOKEN, AD_ACCOUNT, {
          messageCampaignId: o.campaign,
          subscriptionToken: token,
          message: { text: 'Mega sale today!' },
        });
        if (!r.ok) failed++;
      }
    }),
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  graph.close();
  process.stdout.write(JSON.stringify({ sends: tokens.length, failed, ms }) + '\n');
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [__filename, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`bare loop exited ${code}`))));
  });
}

/**
 * A stand-in for Meta that costs nothing: every request answers 200 with the Marketing Message API's
 * success body and a fresh tracking id, at once. Counts the sends it was given.
 */
function startNullSink(): Promise<{ server: Server; url: string; sends: () => number }> {
  let sends = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      sends++;
      const body = JSON.stringify({ success: true, marketing_message_tracking_id: randomUUID() });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((ready) =>
    server.listen(0, '127.0.0.1', () =>
      ready({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sends: () => sends }),
    ),
  );
}

/** CPU seconds (user + system) a process has used: fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100/s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The MariaDB (or MySQL) server's pid on this machine, if it runs here. */
function databasePid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'mariadbd' || comm === 'mysqld') return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0) / 1024);
}

async function spawnWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/worker.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ROLES: 'worker', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  await new Promise<void>((ready, fail) => {
    const onData = (c: Buffer): void => {
      seen = (seen + c.toString()).slice(-20_000);
      if (seen.includes('worker running')) ready();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => process.stderr.write(c));
    child.once('exit', (code) => fail(new Error(`worker exited ${code}: ${seen}`)));
  });
  // Keep draining its output so it never blocks on a full pipe.
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', () => undefined);
  return child;
}

async function main(): Promise<void> {
  const o = readOptions();
  if (o.bare) return bareLoop(o.bare);

  const serverUrl = new URL(o.mysql);
  const dbName = `${serverUrl.pathname.replace(/^\//, '') || 'test'}_bench_${randomBytes(4).toString('hex')}`;
  const admin = await createConnection({ uri: o.mysql });
  await admin.query(`CREATE DATABASE \`${dbName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const dbUrl = new URL(o.mysql);
  dbUrl.pathname = `/${dbName}`;
  const workers: ChildProcess[] = [];
  const sandbox = await startMessengerSandbox({ port: 0, appSecret: APP_SECRET, startTime: Date.now() - 3 * HOUR });
  const config = loadConfig({
    DATABASE_URL: dbUrl.toString(),
    ENCRYPTION_KEY,
    GRAPH_API_URL: sandbox.graphUrl,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: 'x',
  });
  const ds = await openDataSource(config.database);
  let sinkServer: Server | undefined;
  try {
    await runMigrations(ds);
    const cipher = new TokenCipher(Buffer.from(ENCRYPTION_KEY, 'hex'));
    const now = new Date();
    await sandbox.control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN });
    await sandbox.control.registerAdAccount({ id: AD_ACCOUNT, systemUserToken: SYSTEM_TOKEN, pageIds: [PAGE_ID], pricePerMessage: 100 });
    const shopId = randomUUID();
    const topicId = randomUUID();
    await ds.query('INSERT INTO shops (id, name, created_at) VALUES (?, ?, ?)', [shopId, 'Bench shop', now]);
    const page = { shopId, cipher, concurrency: o.concurrency, now };
    await insertBenchPage(ds, page, PAGE_ID, 'Bench Page', topicId);

    let t = Date.now();
    await sandbox.control.bulkTokens({ pageId: PAGE_ID, count: o.recipients, title: 'Mega sales', timezone: 'Asia/Manila' });
    for (let offset = 0; offset < o.recipients; offset += 10_000) {
      const page = await sandbox.control.tokens({ pageId: PAGE_ID, offset, limit: 10_000 });
      for (let i = 0; i < page.data.length; i += 2000) {
        const rows = page.data.slice(i, i + 2000);
        await ds.query(
          `INSERT INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, source, opted_in_at, status_changed_at, updated_at)
           VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, 'active', 'Asia/Manila', 'optin', ?, ?, ?)").join(', ')}`,
          rows.flatMap((r) => [
            randomUUID(),
            PAGE_ID,
            r.psid,
            topicId,
            cipher.encrypt(r.token),
            createHash('sha256').update(r.token).digest('hex'),
            now,
            now,
            now,
          ]),
        );
      }
    }
    log(`seeded ${o.recipients} subscribers in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const graph = new GraphApiClient({ baseUrl: sandbox.graphUrl, appSecret: APP_SECRET });
    const bareCampaign = await graph.createMessageCampaign(SYSTEM_TOKEN, AD_ACCOUNT, { name: 'bare loop', pageId: PAGE_ID });
    const realCampaign = await graph.createMessageCampaign(SYSTEM_TOKEN, AD_ACCOUNT, { name: 'bench campaign', pageId: PAGE_ID });
    graph.close();
    if (!bareCampaign.ok || !realCampaign.ok) throw new Error('could not create the message campaigns');
    await sandbox.control.advanceClock(HOUR + 60_000); // warm-up

    const bareOut = await runChild([
      '--bare',
      '--graph-url',
      sandbox.graphUrl,
      '--control-url',
      sandbox.url,
      '--campaign',
      bareCampaign.value.id,
      '--recipients',
      String(o.recipients),
      '--workers',
      String(o.workers),
      '--concurrency',
      String(o.concurrency),
    ]);
    const bare = JSON.parse(bareOut.trim().split('\n').pop()!) as { sends: number; failed: number; ms: number };
    const bareRate = bare.sends / (bare.ms / 1000);
    log(
      `bare loop: ${bare.sends} sends (${bare.failed} refused) at concurrency ${o.workers * o.concurrency} in ${(bare.ms / 1000).toFixed(1)} s = ${Math.round(bareRate)}/s`,
    );
    await sandbox.control.advanceClock(13 * HOUR); // Meta's 12 h per token, so the campaign's sends are allowed

    const env = {
      ...(o.workerNodeOptions && { NODE_OPTIONS: o.workerNodeOptions }),
      DATABASE_URL: dbUrl.toString(),
      GRAPH_API_URL: sandbox.graphUrl,
      META_APP_SECRET: APP_SECRET,
      ENCRYPTION_KEY,
      META_VERIFY_TOKEN: 'x',
      LOG_LEVEL: 'info',
      DATA_DIR: '/tmp',
    };
    workers.push(...(await Promise.all(Array.from({ length: o.workers }, () => spawnWorker(env)))));
    const insertCampaign = async (pageId: string, topic: string, metaCampaignId: string): Promise<string> => {
      const id = randomUUID();
      const wall = new Date();
      await ds.query(
        `INSERT INTO campaigns (id, shop_id, page_id, topic_id, name, content, status, on_already_messaged, schedule_type, scheduled_at, meta_campaign_id, meta_created_at,
         price_per_message, currency, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'Bench', ?, 'scheduled', 'defer', 'at', ?, ?, ?, 100, 'PHP', ?, ?)`,
        [
          id,
          shopId,
          pageId,
          topic,
          JSON.stringify({ type: 'text', text: 'Mega sale today!' }),
          wall,
          metaCampaignId,
          new Date(wall.getTime() - 2 * HOUR),
          wall,
          wall,
        ],
      );
      return id;
    };
    const waitFor = async (id: string, progress: () => Promise<string>): Promise<string> => {
      let status = 'scheduled';
      let lastLog = Date.now();
      while (status !== 'completed' && status !== 'paused' && status !== 'canceled') {
        await sleep(200);
        status = ((await ds.query('SELECT status FROM campaigns WHERE id = ?', [id])) as Array<{ status: string }>)[0]!.status;
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          log(`  … ${status}, ${await progress()}, rss ${workers.map((w) => peakRssMb(w.pid!)).join('/')} MB`);
        }
      }
      return status;
    };
    const sentAtMetaNow = async (): Promise<number> =>
      (await sandbox.control.marketingSends({ campaignId: realCampaign.value.id, limit: 1 })).total;
    t = Date.now();
    const campaignId = await insertCampaign(PAGE_ID, topicId, realCampaign.value.id);
    // The drill: the first worker is killed at evenly spread shares of the audience, restarted in between.
    const killedAt: number[] = [];
    for (let k = 0; k < o.kills; k++) {
      const share = (k + 1) / (o.kills + 2);
      while ((await sentAtMetaNow()) < o.recipients * share) await sleep(20);
      workers[0]!.kill('SIGKILL');
      await new Promise((r) => (workers[0]!.exitCode !== null || workers[0]!.signalCode !== null ? r(null) : workers[0]!.once('exit', r)));
      killedAt.push(await sentAtMetaNow());
      log(`  killed worker 1 (SIGKILL) at ${killedAt[k]} sends`);
      workers[0] = await spawnWorker(env);
    }
    const status = await waitFor(campaignId, async () => `${await sentAtMetaNow()} sent`);
    const ms = Date.now() - t;
    const counts = Object.fromEntries(
      (
        (await ds.query('SELECT status, COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? GROUP BY status', [
          campaignId,
        ])) as Array<{ status: string; n: string }>
      ).map((r) => [r.status, Number(r.n)]),
    );
    const stats = await sandbox.control.stats();
    const sentAtMeta = (await sandbox.control.marketingSends({ campaignId: realCampaign.value.id, limit: 1 })).total;
    const rate = (counts.sent ?? 0) / (ms / 1000);
    const sandboxRss = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
    log(
      `campaign: ${status}, ${JSON.stringify(counts)}, Meta accepted ${sentAtMeta}, in ${(ms / 1000).toFixed(1)} s (start, fan-out and sends) = ${Math.round(rate)}/s`,
    );
    log(`workers: ${o.workers} × concurrency ${o.concurrency}, peak RSS ${workers.map((w) => peakRssMb(w.pid!)).join(', ')} MB`);

    // The plugin's own cost: the sandbox workers stop (they would take the next campaign to the sandbox),
    // fresh ones send a second campaign to N fresh subscribers through the null sink.
    for (const w of workers.splice(0)) {
      w.kill('SIGTERM');
      await new Promise((r) => (w.exitCode !== null || w.signalCode !== null ? r(null) : w.once('exit', r)));
    }
    const sink = await startNullSink();
    sinkServer = sink.server;
    const sinkTopic = randomUUID();
    await insertBenchPage(ds, page, SINK_PAGE_ID, 'Bench sink Page', sinkTopic);
    for (let i = 0; i < o.recipients; i += 2000) {
      const n = Math.min(2000, o.recipients - i);
      await ds.query(
        `INSERT INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, source, opted_in_at, status_changed_at, updated_at)
         VALUES ${Array.from({ length: n }, () => "(?, ?, ?, ?, ?, ?, 'active', 'Asia/Manila', 'optin', ?, ?, ?)").join(', ')}`,
        Array.from({ length: n }, (_, j) => {
          const token = `sink-token-${i + j}`;
          return [
            randomUUID(),
            SINK_PAGE_ID,
            `9${String(i + j).padStart(15, '0')}`,
            sinkTopic,
            cipher.encrypt(token),
            createHash('sha256').update(token).digest('hex'),
            now,
            now,
            now,
          ];
        }).flat(),
      );
    }
    const sinkBareOut = await runChild([
      '--bare',
      '--graph-url',
      sink.url,
      '--campaign',
      'null-sink-bare',
      '--recipients',
      String(o.recipients),
      '--workers',
      String(o.workers),
      '--concurrency',
      String(o.concurrency),
    ]);
    const sinkBare = JSON.parse(sinkBareOut.trim().split('\n').pop()!) as { sends: number; failed: number; ms: number };
    const sinkBareRate = sinkBare.sends / (sinkBare.ms / 1000);
    log(
      `null sink, bare loop: ${sinkBare.sends} sends (${sinkBare.failed} refused) in ${(sinkBare.ms / 1000).toFixed(1)} s = ${Math.round(sinkBareRate)}/s`,
    );
    workers.push(...(await Promise.all(Array.from({ length: o.workers }, () => spawnWorker({ ...env, GRAPH_API_URL: sink.url })))));
    const dbPid = databasePid();
    const workerCpu0 = workers.map((w) => cpuSeconds(w.pid!));
    const dbCpu0 = dbPid ? cpuSeconds(dbPid) : NaN;
    const sinkSends0 = sink.sends();
    t = Date.now();
    const sinkCampaign = await insertCampaign(SINK_PAGE_ID, sinkTopic, '120208000000000001');
    const sinkStatus = await waitFor(sinkCampaign, () => Promise.resolve(`${sink.sends() - sinkSends0} sent`));
    const sinkMs = Date.now() - t;
    const workerCpu = workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid!) - workerCpu0[i]!, 0);
    const dbCpu = dbPid ? cpuSeconds(dbPid) - dbCpu0 : NaN;
    const [sinkSent] = (await ds.query(`SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? AND status = 'sent'`, [
      sinkCampaign,
    ])) as Array<{ n: string }>;
    const sinkRate = Number(sinkSent!.n) / (sinkMs / 1000);
    const perThousand = (cpu: number): number => Math.round((cpu / (Number(sinkSent!.n) / 1000)) * 1000) / 1000;
    log(
      `null sink, plugin: ${sinkStatus}, ${sinkSent!.n} sent in ${(sinkMs / 1000).toFixed(1)} s = ${Math.round(sinkRate)}/s; CPU s per 1,000: workers ${perThousand(workerCpu)}, MariaDB ${dbPid ? perThousand(dbCpu) : 'n/a (not on this machine)'}`,
    );
    const result = {
      bench: 'broadcast',
      recipients: o.recipients,
      msgs_per_s: Math.round(rate),
      bare_msgs_per_s: Math.round(bareRate),
      ratio: Math.round((rate / bareRate) * 100) / 100,
      peak_rss_mb: sandboxRss,
      duplicates: stats.duplicateMarketingSends,
      missing: o.recipients - sentAtMeta - (counts.skipped ?? 0),
      uncertain: counts.uncertain ?? 0,
      kills: o.kills,
      sink_msgs_per_s: Math.round(sinkRate),
      sink_bare_msgs_per_s: Math.round(sinkBareRate),
      sink_ratio: Math.round((sinkRate / sinkBareRate) * 100) / 100,
      worker_cpu_s_per_1k: perThousand(workerCpu),
      mariadb_cpu_s_per_1k: dbPid ? perThousand(dbCpu) : null,
    };
    log(JSON.stringify(result));
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null || w.signalCode !== null ? r(null) : w.once('exit', r)))));
    await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
    await sandbox.close();
    sinkServer?.closeAllConnections();
    await new Promise((r) => (sinkServer ? sinkServer.close(r) : r(null)));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

/** A Page of the bench shop with its "Mega sales" topic and broadcast settings (no pacing), as rows. */
async function insertBenchPage(
  ds: DataSource,
  page: { shopId: string; cipher: TokenCipher; concurrency: number; now: Date },
  pageId: string,
  name: string,
  topicId: string,
): Promise<void> {
  const { shopId, cipher, concurrency, now } = page;
  await ds.query(
    `INSERT INTO pages (id, shop_id, name, platform, access_token_enc, ad_account_id, system_user_token_enc, currency, price_per_message, created_at, updated_at)
     VALUES (?, ?, ?, 'facebook', ?, ?, ?, 'PHP', 100, ?, ?)`,
    [pageId, shopId, name, cipher.encrypt(PAGE_TOKEN), AD_ACCOUNT, cipher.encrypt(SYSTEM_TOKEN), now, now],
  );
  await ds.query(
    `INSERT INTO topics (id, page_id, title, payload, active, active_title, created_at, updated_at) VALUES (?, ?, 'Mega sales', 'mega-sales', 1, 'Mega sales', ?, ?)`,
    [topicId, pageId, now, now],
  );
  await ds.query(
    `INSERT INTO page_broadcast_settings (page_id, period_hours, rate_per_second, concurrency, pace_slot_ms, updated_at) VALUES (?, 24, 0, ?, 0, ?)`,
    [pageId, concurrency, now],
  );
}
