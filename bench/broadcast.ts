/**
 * Broadcast throughput: W worker processes (`node dist/src/worker.js`, role worker) send one campaign
 * to N subscribers on MariaDB, against the Messenger sandbox (in this process, standing in for Meta)
 * with throttling off. In the same run, a bare loop (a child process, the same Graph client) posts N
 * marketing sends to the sandbox at the same total concurrency: what a plugin that cost nothing would do.
 *
 *   npm run bench:broadcast [-- --million] [-- --recipients 100000 --workers 3 --concurrency 64 --mysql mysql://root@127.0.0.1:3306/test]
 *
 * Prints figures, then one JSON line:
 * {"bench":"broadcast","recipients","msgs_per_s","bare_msgs_per_s","ratio","peak_rss_mb","duplicates","missing"}.
 * The run gets its own database on the server (`<name>_bench_<random>`), dropped at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { GraphApiClient } from '../libs/graph-api/src';
import { SandboxControl, startMessengerSandbox } from '../libs/messenger-sandbox/src';
import { loadConfig } from '../config/app-config';
import { TokenCipher } from '../src/common/token-cipher';
import { openDataSource } from '../src/database/data-source';
import { runMigrations } from '../src/database/migrate';

const APP_SECRET = 'bench-broadcast-app-secret';
const ENCRYPTION_KEY = 'ef'.repeat(32);
const PAGE_ID = '304857361234567';
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
}

function readOptions(): Options & {
  bare?: { graphUrl: string; controlUrl: string; campaign: string; count: number; concurrency: number };
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
  };
  if (!values.bare) return options;
  return {
    ...options,
    bare: {
      graphUrl: values['graph-url']!,
      controlUrl: values['control-url']!,
      campaign: values.campaign!,
      count: recipients,
      concurrency: options.workers * options.concurrency,
    },
  };
}

/** The bare loop, in its own process: fetch the tokens (untimed), then N sends at the given concurrency (timed). */
async function bareLoop(o: { graphUrl: string; controlUrl: string; campaign: string; count: number; concurrency: number }): Promise<void> {
  const control = new SandboxControl(o.controlUrl);
  const tokens: string[] = [];
  for (let offset = 0; tokens.length < o.count; offset += 10_000) {
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
  try {
    await runMigrations(ds);
    const cipher = new TokenCipher(Buffer.from(ENCRYPTION_KEY, 'hex'));
    const now = new Date();
    await sandbox.control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN });
    await sandbox.control.registerAdAccount({ id: AD_ACCOUNT, systemUserToken: SYSTEM_TOKEN, pageIds: [PAGE_ID], pricePerMessage: 100 });
    const shopId = randomUUID();
    const topicId = randomUUID();
    await ds.query('INSERT INTO shops (id, name, created_at) VALUES (?, ?, ?)', [shopId, 'Bench shop', now]);
    await ds.query(
      `INSERT INTO pages (id, shop_id, name, platform, access_token_enc, ad_account_id, system_user_token_enc, currency, price_per_message, created_at, updated_at)
       VALUES (?, ?, 'Bench Page', 'facebook', ?, ?, ?, 'PHP', 100, ?, ?)`,
      [PAGE_ID, shopId, cipher.encrypt(PAGE_TOKEN), AD_ACCOUNT, cipher.encrypt(SYSTEM_TOKEN), now, now],
    );
    await ds.query(
      `INSERT INTO topics (id, page_id, title, payload, active, active_title, created_at, updated_at) VALUES (?, ?, 'Mega sales', 'mega-sales', 1, 'Mega sales', ?, ?)`,
      [topicId, PAGE_ID, now, now],
    );
    await ds.query(
      `INSERT INTO page_broadcast_settings (page_id, period_hours, rate_per_second, concurrency, pace_slot_ms, updated_at) VALUES (?, 24, 0, ?, 0, ?)`,
      [PAGE_ID, o.concurrency, now],
    );

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
    const campaignId = randomUUID();
    const wall = new Date();
    t = Date.now();
    await ds.query(
      `INSERT INTO campaigns (id, shop_id, page_id, topic_id, name, content, status, on_already_messaged, schedule_type, scheduled_at, meta_campaign_id, meta_created_at,
         price_per_message, currency, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'Bench', ?, 'scheduled', 'defer', 'at', ?, ?, ?, 100, 'PHP', ?, ?)`,
      [
        campaignId,
        shopId,
        PAGE_ID,
        topicId,
        JSON.stringify({ type: 'text', text: 'Mega sale today!' }),
        wall,
        realCampaign.value.id,
        new Date(wall.getTime() - 2 * HOUR),
        wall,
        wall,
      ],
    );
    let status = 'scheduled';
    let lastLog = Date.now();
    while (status !== 'completed' && status !== 'paused' && status !== 'canceled') {
      await sleep(200);
      status = ((await ds.query('SELECT status FROM campaigns WHERE id = ?', [campaignId])) as Array<{ status: string }>)[0]!.status;
      if (Date.now() - lastLog > 5000) {
        lastLog = Date.now();
        log(
          `  … ${status}, ${(await sandbox.control.marketingSends({ campaignId: realCampaign.value.id, limit: 1 })).total} sent, rss ${workers.map((w) => peakRssMb(w.pid!)).join('/')} MB`,
        );
      }
    }
    const ms = Date.now() - t;
    const rss = Math.max(...workers.map((w) => peakRssMb(w.pid!)));
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
    log(
      `campaign: ${status}, ${JSON.stringify(counts)}, Meta accepted ${sentAtMeta}, in ${(ms / 1000).toFixed(1)} s (start, fan-out and sends) = ${Math.round(rate)}/s`,
    );
    log(`workers: ${o.workers} × concurrency ${o.concurrency}, peak RSS ${workers.map((w) => peakRssMb(w.pid!)).join(', ')} MB`);
    const result = {
      bench: 'broadcast',
      recipients: o.recipients,
      msgs_per_s: Math.round(rate),
      bare_msgs_per_s: Math.round(bareRate),
      ratio: Math.round((rate / bareRate) * 100) / 100,
      peak_rss_mb: rss,
      duplicates: stats.duplicateMarketingSends,
      missing: o.recipients - sentAtMeta,
    };
    log(JSON.stringify(result));
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await admin.end();
    await sandbox.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
