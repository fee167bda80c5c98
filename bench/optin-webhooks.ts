/**
 * Opt-in webhooks to subscriptions: 10,000 signed `messaging_optins` deliveries (one opt-in each, as Meta
 * sends them) posted in a burst at the shipped app (`node dist/src/main.js`, its own process), then the
 * time until every one is a subscription of the topic. The same burst goes, in the same run, to a bare
 * `node:http` server that only checks the signature: the baseline for the intake rate.
 *
 *   npm run bench:optin-webhooks [-- --count 10000 --concurrency 64 --mysql mysql://root@127.0.0.1:3306/x]
 *
 * Prints figures, then one JSON line. `lost` = opt-ins acknowledged with a 200 that did not become a
 * subscription; the run exits non-zero when it is not 0.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startMessengerSandbox } from '../libs/messenger-sandbox/src';
import { openDataSource } from '../src/database/data-source';
import { aFreshMysqlDatabase, databaseSettings } from './lib/databases';
import { percentile, round, runLoad, signed, type Delivery } from './lib/load';
import { serveBareWebhooks, spawnListening, stop, type Child } from './lib/processes';

const APP_SECRET = 'bench-optin-app-secret';
const BARE_SERVER_FLAG = '--bare-server';
const PAGE_ID = '104857361230001';
const PAGE_TOKEN = 'EAAG-bench-page-token';

function readOptions(): { count: number; concurrency: number; mysql?: string; timeoutS: number } {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '64' },
      mysql: { type: 'string' },
      timeout: { type: 'string', default: '300' },
    },
  });
  return { count: Number(values.count), concurrency: Number(values.concurrency), mysql: values.mysql, timeoutS: Number(values.timeout) };
}

function anOptin(runId: string, n: number, payload: string, at: number): Delivery {
  const psid = String(7_200_000_000_000 + n);
  return signed(
    {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: at + n,
          messaging: [
            {
              sender: { id: psid },
              recipient: { id: PAGE_ID },
              timestamp: at + n,
              optin: {
                type: 'notification_messages',
                payload,
                title: 'Summer arrivals',
                notification_messages_token: `${runId}-${n.toString(36).padStart(6, '0')}-opt-in-subscription-token`,
                notification_messages_timezone: n % 2 ? 'Asia/Manila' : 'Asia/Ho_Chi_Minh',
                user_token_status: 'NOT_REFRESHED',
              },
            },
          ],
        },
      ],
    },
    APP_SECRET,
  );
}

async function main(): Promise<void> {
  const options = readOptions();
  const runId = randomBytes(4).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'mm-bench-optins-'));
  const mysql = options.mysql ? await aFreshMysqlDatabase(options.mysql, runId) : undefined;
  const databaseUrl = mysql?.url ?? `sqlite:${join(dataDir, 'mm.sqlite')}`;
  // Meta's side, only so the Page can be registered (the app asks Meta whose its token is); no webhooks come from it.
  const sandbox = await startMessengerSandbox({ port: 0, appSecret: APP_SECRET, startTime: Date.now() });
  await sandbox.control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN });
  const env = {
    PATH: process.env.PATH,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    GRAPH_API_URL: sandbox.graphUrl,
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: 'bench',
    ENCRYPTION_KEY: 'cd'.repeat(32),
    LOG_LEVEL: 'warn',
  };
  const children: Child[] = [];
  try {
    const bare = await spawnListening([__filename, BARE_SERVER_FLAG], { PATH: process.env.PATH });
    children.push(bare);
    const app = await spawnListening([resolve(__dirname, '../src/main.js')], { ...env, LOG_LEVEL: 'info' });
    children.push(app);

    // The shop sets things up as a user would: a shop from the CLI, a Page and a topic through the API.
    const cli = execFileSync(process.execPath, [resolve(__dirname, '../src/cli.js'), 'shops', 'create', 'Bench Shop'], {
      env,
      encoding: 'utf8',
    });
    const apiKey = /api key[^:]*: (\S+)/.exec(cli)![1]!;
    const api = async (path: string, body: unknown): Promise<{ id: string; payload: string }> => {
      const res = await fetch(`http://127.0.0.1:${app.port}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string; payload: string };
    };
    await api('/api/pages', { id: PAGE_ID, name: 'Bench Page', platform: 'facebook', accessToken: PAGE_TOKEN });
    const topic = await api(`/api/pages/${PAGE_ID}/topics`, { title: 'Summer arrivals' });

    const at = Date.now();
    const deliveries = Array.from({ length: options.count }, (_, n) => anOptin(runId, n, topic.payload, at));
    process.stdout.write(
      `opt-in webhooks: ${options.count} signed deliveries, ${options.concurrency} keep-alive connections, app on ${databaseSettings(databaseUrl).dialect}\n`,
    );

    const bareLoad = await runLoad(bare.port, deliveries, options.concurrency);
    const started = Date.now();
    const appLoad = await runLoad(app.port, deliveries, options.concurrency);
    const intakeS = (Date.now() - started) / 1000;

    const db = await openDataSource(databaseSettings(databaseUrl));
    let subscriptions = 0;
    try {
      const deadline = Date.now() + options.timeoutS * 1000;
      while (Date.now() < deadline) {
        const [{ n }] = (await db.query(`SELECT COUNT(*) AS n FROM subscriptions WHERE topic_id = ? AND status = 'active'`, [
          topic.id,
        ])) as Array<{ n: number | string }>;
        subscriptions = Number(n);
        if (subscriptions >= appLoad.accepted) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await db.destroy();
    }
    const totalS = (Date.now() - started) / 1000;
    const lost = appLoad.accepted - subscriptions;
    const bareRate = bareLoad.accepted / bareLoad.seconds;
    process.stdout.write(
      `bare: ${bareLoad.accepted} in ${bareLoad.seconds.toFixed(2)} s (${Math.round(bareRate)}/s, p99 ${percentile(bareLoad.latencies, 99).toFixed(1)} ms)\n` +
        `app:  ${appLoad.accepted} acknowledged in ${intakeS.toFixed(2)} s (${Math.round(appLoad.accepted / intakeS)}/s, p99 ${percentile(appLoad.latencies, 99).toFixed(1)} ms), ` +
        `refused ${appLoad.refused}; ${subscriptions} subscriptions after ${totalS.toFixed(2)} s; lost ${lost}\n`,
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'optin-webhooks',
        webhooks: options.count,
        database: databaseSettings(databaseUrl).dialect,
        intake_s: round(intakeS, 2),
        total_s: round(totalS, 2),
        optins_per_s: Math.round(subscriptions / totalS),
        intake_per_s: Math.round(appLoad.accepted / intakeS),
        bare_intake_per_s: Math.round(bareRate),
        p99_ms: round(percentile(appLoad.latencies, 99), 2),
        count: subscriptions,
        lost,
      }) + '\n',
    );
    if (lost !== 0 || appLoad.refused > 0) process.exitCode = 1;
  } finally {
    for (const child of children) await stop(child);
    await sandbox.close();
    await mysql?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === BARE_SERVER_FLAG) {
  serveBareWebhooks(APP_SECRET);
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:optin-webhooks failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
