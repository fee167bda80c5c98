import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { SandboxControl } from '../../libs/messenger-sandbox/src';
import { openDataSource } from '../../src/database/data-source';

/**
 * The shipped entry points as an operator runs them: `node dist/src/main.js` and `node dist/src/cli.js`,
 * built once with the build config, in child processes with nothing but environment variables.
 */

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  /** stdout lines so far (JSON logs and anything else the process printed). */
  lines: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dataDirs: string[] = [];

function aDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mm-boot-'));
  dataDirs.push(dir);
  return dir;
}

/** Only what we pass: no GRAPH_API_URL or DATABASE_URL leaks in from the developer's shell. */
function startNode(script: string, env: Record<string, string>, args: string[] = []): Started {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const parts = out.split('\n');
    out = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, lines, stderr: () => err, exited };
}

const startApp = (env: Record<string, string>): Started => startNode('dist/src/main.js', env);

function json(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves with the first stdout line that matches; fails early with stderr if the process exits first. */
async function waitForLine(p: Started, matches: (line: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void p.exited.then((code) => (exitCode = code));
  for (;;) {
    const found = p.lines.find(matches);
    if (found !== undefined) return found;
    if (exitCode !== undefined)
      throw new Error(`process exited (${exitCode}) before the expected line; stderr: ${p.stderr()}\nstdout: ${p.lines.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`no matching line within ${timeoutMs} ms; stdout: ${p.lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The port from the `{"msg":"listening","port":…}` line. */
async function listeningPort(p: Started): Promise<number> {
  const line = await waitForLine(p, (l) => json(l)?.msg === 'listening');
  const port = json(line)?.port;
  if (typeof port !== 'number' || port <= 0) throw new Error(`listening line without a port: ${line}`);
  return port;
}

async function stop(p: Started): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
  await p.exited;
  clearTimeout(timer);
}

/** A port free right now: the bundled sandbox's webhook URL (PUBLIC_URL) is derived from PORT, so it must be known up front. */
async function aFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT });
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('node dist/src/main.js', () => {
  it('starts on an empty DATA_DIR with the bundled sandbox, says where the sandbox runs, and reports its database up', async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', SANDBOX_PORT: '0', HOST: '127.0.0.1' });
    try {
      const port = await listeningPort(app);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });

      const sandboxLines = app.lines.filter((l) => /bundled Messenger sandbox/i.test(l));
      expect(sandboxLines).toHaveLength(1);
      const sandboxUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(sandboxLines[0])?.[1];
      expect(sandboxUrl).toBeDefined();
      // The URL the line gives is the sandbox's control API, answering.
      expect(typeof (await new SandboxControl(sandboxUrl!).now())).toBe('number');
    } finally {
      await stop(app);
    }
  });

  it('writes only JSON lines on stdout, none below LOG_LEVEL', async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', SANDBOX_PORT: '0', HOST: '127.0.0.1' });
    try {
      await listeningPort(app);
      const notJson = app.lines.filter((l) => json(l) === undefined);
      expect(notJson).toEqual([]);
      expect(app.lines.map((l) => json(l)?.level).filter((level) => level === 'debug')).toEqual([]);
    } finally {
      await stop(app);
    }
  });

  it('refuses to start with a malformed DATABASE_URL: exit code 1, one config error line naming it, no stack trace', async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', DATABASE_URL: 'mysql://127.0.0.1' });
    expect(await app.exited).toBe(1);
    const stderr = app.stderr().trimEnd().split('\n');
    expect(stderr).toEqual([expect.stringMatching(/^config error: DATABASE_URL .+/)]);
    expect(app.stderr()).not.toMatch(/^\s+at /m);
    expect(app.lines.some((l) => json(l)?.msg === 'listening')).toBe(false);
  });

  it('refuses to start with a malformed ENCRYPTION_KEY: exit code 1, one config error line naming it, no stack trace', async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', ENCRYPTION_KEY: 'not-32-bytes' });
    expect(await app.exited).toBe(1);
    const stderr = app.stderr().trimEnd().split('\n');
    expect(stderr).toEqual([expect.stringMatching(/^config error: ENCRYPTION_KEY .+/)]);
    expect(app.stderr()).not.toMatch(/^\s+at /m);
    // Nothing about the key it was given is echoed back.
    expect(app.stderr()).not.toContain('not-32-bytes');
  });

  it("a shop created with the CLI can use its API key on the running app, and the bundled sandbox's webhooks reach that app", async () => {
    const dataDir = aDataDir();
    const [port, sandboxPort] = [await aFreePort(), await aFreePort()];
    const app = startApp({ DATA_DIR: dataDir, PORT: String(port), SANDBOX_PORT: String(sandboxPort), HOST: '127.0.0.1' });
    try {
      expect(await listeningPort(app)).toBe(port);

      const cli = startNode('dist/src/cli.js', { DATA_DIR: dataDir }, ['shops', 'create', 'Manila Threads']);
      expect(await cli.exited).toBe(0);
      const apiKey = /api key[^:]*: (\S+)/.exec(cli.lines.join('\n'))?.[1];
      expect(apiKey).toBeDefined();

      const api = `http://127.0.0.1:${port}/api/pages`;
      expect((await fetch(api)).status).toBe(401);
      const auth = { Authorization: `Bearer ${apiKey}` };
      const empty = await fetch(api, { headers: auth });
      expect(empty.status).toBe(200);
      expect(await empty.json()).toEqual([]);
      const pageId = `1048573${Date.now()}`;
      // The local run's "Meta" is the bundled sandbox: registering the Page here makes it known there too,
      // so the token check passes and the sandbox's customers can write to it (nothing to register twice).
      const meta = new SandboxControl(`http://127.0.0.1:${sandboxPort}`);
      const created = await fetch(api, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: pageId, name: 'Manila Threads PH', platform: 'facebook', accessToken: 'EAAG-boot-page-token' }),
      });
      expect(created.status).toBe(201);
      expect(await (await fetch(api, { headers: auth })).json()).toEqual([expect.objectContaining({ id: pageId })]);

      // A customer writes on the sandbox's side; its signed webhook must be stored and processed by the app.
      await meta.personMessage({ pageId, psid: '7001', text: 'Is the blue dress in stock?' });
      expect(await meta.stats()).toMatchObject({ webhooksPosted: 1, webhooksFailed: 0 });
      // The only delivery this fresh DATA_DIR ever got (bodies are stored encrypted, so it is found by count, not content).
      const db = await openDataSource({ dialect: 'sqlite', path: join(dataDir, 'mm.sqlite') });
      try {
        const statuses = async (): Promise<string[]> =>
          ((await db.query('SELECT status FROM webhook_inbox')) as Array<{ status: string }>).map((r) => r.status);
        for (let i = 0; i < 100 && (await statuses())[0] !== 'done'; i++) await new Promise((r) => setTimeout(r, 50));
        expect(await statuses()).toEqual(['done']);
      } finally {
        await db.destroy();
      }
    } finally {
      await stop(app);
    }
  });

  it("with PORT=0 and SANDBOX_PORT=0 the bundled sandbox's webhooks still reach the app", async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', SANDBOX_PORT: '0', HOST: '127.0.0.1' });
    try {
      await listeningPort(app);
      const sandboxUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(app.lines.find((l) => /bundled Messenger sandbox/i.test(l)) ?? '')?.[1];
      const meta = new SandboxControl(sandboxUrl!);
      await meta.registerPage({ id: '104857369999999', platform: 'facebook', accessToken: 'EAAG-port0-token' });
      await meta.personMessage({ pageId: '104857369999999', psid: '7002', text: 'hello' });
      expect(await meta.stats()).toMatchObject({ webhooksPosted: 1, webhooksFailed: 0 });
    } finally {
      await stop(app);
    }
  });

  it('in the local run the bundled sandbox posts the marketing-message delivery and read webhooks, as Meta does', async () => {
    const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', SANDBOX_PORT: '0', HOST: '127.0.0.1' });
    try {
      await listeningPort(app);
      const sandboxUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(app.lines.find((l) => /bundled Messenger sandbox/i.test(l)) ?? '')?.[1];
      expect(await new SandboxControl(sandboxUrl!).settings()).toEqual({
        marketingWebhooks: true,
        marketingReads: true,
        campaignWarmUpMs: 3_600_000, // Meta's hour until the console's demo setting shortens it
      });
    } finally {
      await stop(app);
    }
  });

  const mysqlServer = process.env.MM_TEST_MYSQL_URL;
  (mysqlServer ? it : it.skip)(
    'refuses to start on a MariaDB database that does not exist: exit code 1, one line saying how to create it (utf8mb4), no stack trace',
    async () => {
      const url = new URL(mysqlServer!);
      const name = `mm_missing_${randomBytes(4).toString('hex')}`;
      url.pathname = `/${name}`;
      const app = startApp({ DATA_DIR: aDataDir(), PORT: '0', SANDBOX_PORT: '0', DATABASE_URL: url.toString() });
      expect(await app.exited).toBe(1);
      expect(app.stderr().trimEnd().split('\n')).toEqual([
        `startup failed: database "${name}" does not exist on ${url.hostname}:${url.port || 3306}; create it first: ` +
          `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
      ]);
      expect(app.stderr()).not.toMatch(/^\s+at /m);
      expect(app.lines.join('\n')).not.toMatch(/stack|Retrying/);
    },
  );

  (mysqlServer ? it : it.skip)(
    'on a fresh MariaDB database the first start applies the migrations and a second start has nothing to migrate',
    async () => {
      const url = new URL(mysqlServer!);
      const name = `mm_boot_${randomBytes(4).toString('hex')}`;
      const admin = await createConnection({ uri: url.toString() });
      await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      url.pathname = `/${name}`;
      const env = {
        DATA_DIR: aDataDir(),
        PORT: '0',
        SANDBOX_PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: url.toString(),
        ENCRYPTION_KEY: 'cd'.repeat(32),
      };
      try {
        const first = startApp(env);
        try {
          const applied = json(await waitForLine(first, (l) => json(l)?.context === 'Migrations'));
          expect(applied).toMatchObject({
            msg: 'migrations applied',
            applied: expect.arrayContaining([expect.stringMatching(/^CreateShopsAndPages/)]),
          });
          expect((applied?.applied as string[]).length).toBeGreaterThanOrEqual(3);
          const port = await listeningPort(first);
          expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toMatchObject({ info: { database: { status: 'up' } } });
        } finally {
          await stop(first);
        }

        const second = startApp(env);
        try {
          const again = json(await waitForLine(second, (l) => json(l)?.context === 'Migrations'));
          expect(again).toMatchObject({ msg: 'nothing to migrate', applied: [] });
          await listeningPort(second);
        } finally {
          await stop(second);
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin.end();
      }
    },
  );
});
