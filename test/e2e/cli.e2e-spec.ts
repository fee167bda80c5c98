import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { DataSource } from 'typeorm';
import { encryptionKeyId, TokenCipher } from '../../src/common/token-cipher';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';
import { ENCRYPTED_COLUMNS } from '../../src/database/encryption-rotation';
import { aShop } from '../helpers/builders';
import { aBroadcastPage, aDraftCampaign, aTopic, subscribersOf } from '../helpers/broadcast-builders';
import { fileDatabaseUrl, testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { buildWorkerEntry } from '../helpers/worker-process';

const ROOT = resolve(__dirname, '../..');
/** The key startTestApp encrypts with, and the one the rotation moves to. */
const OLD_KEY = 'ab'.repeat(32);
const NEW_KEY = 'cd'.repeat(32);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

describe.each(testDatabases())('The operator CLI (built, as shipped) on %s', (db) => {
  let t: TestApp;
  let cliEntry: string;
  let databaseUrl: string;

  beforeAll(async () => {
    cliEntry = join(dirname(await buildWorkerEntry()), 'cli.js');
    t = await startTestApp(db, { env: { ROLES: 'api' } });
    databaseUrl = db === 'mysql' ? await fileDatabaseUrl() : `sqlite:${(t.config.database as { path: string }).path}`;
  }, 400_000);
  afterAll(() => t?.close());

  /** Runs the built CLI in `cwd` (default: an empty directory, so no .env) with the test's database. */
  const cli = async (
    args: string[],
    env: Record<string, string> = {},
    cwd = mkdtempSync(join(tmpdir(), 'mm-cli-cwd-')),
  ): Promise<CliRun> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [cliEntry, ...args], {
        cwd,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_PATH: join(ROOT, 'node_modules'),
          DATABASE_URL: databaseUrl,
          DATA_DIR: mkdtempSync(join(tmpdir(), 'mm-cli-data-')),
          ENCRYPTION_KEY: OLD_KEY,
          GRAPH_API_URL: 'http://127.0.0.1:9/v23.0',
          META_APP_SECRET: 'x',
          ...env,
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('shows help for the CLI and for each command without any configuration or database', async () => {
    const top = await cli(['--help'], { DATABASE_URL: 'postgres://nowhere/x' });
    expect(top.code).toBe(0);
    for (const command of ['shops', 'keys', 'subscribers', 'campaigns', 'encryption', 'migrate']) expect(top.stdout).toContain(command);
    const keys = await cli(['keys', '--help']);
    expect(keys.stdout).toMatch(/create <shopId>[\s\S]*list <shopId>[\s\S]*revoke <keyId>/);
    expect((await cli(['encryption', 'rotate', '--help'])).stdout).toContain('--max-batches <n>');
  }, 180_000);

  it('creates a shop and its keys, lists and revokes them, and names a missing shop, key or campaign in one line', async () => {
    const created = await cli(['shops', 'create', 'Sari-sari Store', '--locale', 'vi-VN', '--currency', 'VND']);
    expect(created.code).toBe(0);
    const shopId = /^shop (\S+) "Sari-sari Store" \(vi-VN, VND\) created$/m.exec(created.stdout)![1]!;
    const firstKey = /api key \(shown once, keep it safe\): (mmk_\S+)/.exec(created.stdout)![1]!;
    await t.http().get('/api/shop').set('Authorization', `Bearer ${firstKey}`).expect(200);
    expect((await cli(['shops', 'list'])).stdout).toContain(`${shopId}  Sari-sari Store  vi-VN  VND`);

    const second = await cli(['keys', 'create', shopId]);
    const keyId = /^api key (\S+) \(shown once\): mmk_/.exec(second.stdout)![1]!;
    expect((await cli(['keys', 'revoke', keyId])).stdout).toMatch(new RegExp(`^api key ${keyId} \\(.+…\\) revoked at `));
    const listed = (await cli(['keys', 'list', shopId])).stdout.trim().split('\n');
    expect(listed).toHaveLength(2);
    expect(listed.find((l) => l.startsWith(keyId))).toMatch(/revoked \d{4}-/);
    expect(listed.filter((l) => l.endsWith('active'))).toHaveLength(1);

    // Independent calls, run side by side: each is a Node process that opens the app.
    const refusals = [
      [['keys', 'create', 'no-such-shop'], 'error: no shop with id no-such-shop'],
      [['keys', 'list', 'no-such-shop'], 'error: no shop with id no-such-shop'],
      [['keys', 'revoke', 'no-such-key'], 'error: no API key with id no-such-key'],
      [['campaigns', 'status', 'no-such-campaign'], 'error: no campaign with id no-such-campaign'],
      [['shops', 'create', 'X', '--currency', 'vnd'], 'error: currency must be an ISO 4217 code in capitals, such as VND'],
    ] as const;
    const answers = await Promise.all(refusals.map(([args]) => cli([...args])));
    for (const [i, [, message]] of refusals.entries()) expect(answers[i]).toMatchObject({ code: 1, stderr: `${message}\n` });
    expect(await cli(['keys', 'list'])).toMatchObject({ code: 1, stderr: "error: missing required argument 'shopId'\n" });
    expect(await cli(['shops', 'list'], { PORT: 'eighty' })).toMatchObject({
      code: 1,
      stderr: 'config error: PORT must be an integer port between 0 and 65535 (got "eighty")\n',
    });
    // The same from a .env file in the working directory: it is read, and validated the same way.
    const withEnvFile = mkdtempSync(join(tmpdir(), 'mm-cli-cwd-'));
    writeFileSync(join(withEnvFile, '.env'), 'PORT=eighty\n');
    expect(await cli(['shops', 'list'], {}, withEnvFile)).toMatchObject({
      code: 1,
      stderr: 'config error: PORT must be an integer port between 0 and 65535 (got "eighty")\n',
    });
  }, 400_000);

  it("prints a campaign's status by its id alone", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const draft = await aDraftCampaign(t, shop, page.id, topic.id);
    const status = await cli(['campaigns', 'status', draft.id]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ campaignId: draft.id, status: 'draft', sent: 0 });
  }, 120_000);

  it('rotates the encryption key in batches: stopped half-way, the old and new keys both read, and run again it finishes', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const subs = await subscribersOf(t, page.id, topic, 12);
    await t.meta.personMessage({ pageId: page.id, psid: `r${Date.now()}`, text: 'Hello' });
    await t.settle();
    // An HTTP endpoint's signing secret is encrypted too (one row: rotated after the subscription tokens).
    await t
      .http()
      .post('/api/integrations/endpoints')
      .set(shop.auth)
      .send({ url: 'https://pos.example.com/hooks', eventTypes: ['campaign.completed'] })
      .expect(201);
    const ds = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const newKeyId = encryptionKeyId(Buffer.from(NEW_KEY, 'hex'));
    const rotating = { ENCRYPTION_KEY: NEW_KEY, ENCRYPTION_KEY_PREVIOUS: OLD_KEY };
    const countUnderNewKey = async (): Promise<number> => {
      let n = 0;
      for (const { table, column } of ENCRYPTED_COLUMNS) {
        const [row] = (await ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} LIKE ?`, [`v2.${newKeyId}.%`])) as Array<{
          n: number | string;
        }>;
        n += Number(row!.n);
      }
      return n;
    };

    // Without the old key the new one cannot read what is stored: refused before anything is written.
    const withoutOld = await cli(['encryption', 'rotate'], { ENCRYPTION_KEY: NEW_KEY });
    expect(withoutOld.code).toBe(1);
    expect(withoutOld.stderr).toContain('neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS');
    expect(await countUnderNewKey()).toBe(0);

    // Stopped after four batches of 4 (the two Pages' tokens take one batch per column, then 8 of the 12
    // subscription tokens): the rest is still under the old key, and both keys read everything.
    const first = await cli(['encryption', 'rotate', '--batch-size', '4', '--max-batches', '4'], rotating);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/still under a previous key: run this again to continue/);
    const moved = [...first.stdout.matchAll(/(\d+) re-encrypted/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(moved).toBeGreaterThan(0);
    expect(await countUnderNewKey()).toBe(moved);
    const during = new TokenCipher(Buffer.from(NEW_KEY, 'hex'), [Buffer.from(OLD_KEY, 'hex')]);
    const tokens = (await ds.query('SELECT psid, token_enc FROM subscriptions WHERE page_id = ?', [page.id])) as Array<{
      psid: string;
      token_enc: string;
    }>;
    expect(tokens.filter((r) => during.isCurrent(r.token_enc)).length).toBe(8);
    const expected = new Map(subs.map((s) => [s.psid, s.token]));
    for (const row of tokens) expect(during.decrypt(row.token_enc)).toBe(expected.get(row.psid));

    const second = await cli(['encryption', 'rotate', '--batch-size', '5'], rotating);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('ENCRYPTION_KEY_PREVIOUS can be removed');
    expect(second.stdout).not.toMatch(/[1-9]\d* remaining/);
    // Only the new key from now on: every value reads with it alone.
    const after = new TokenCipher(Buffer.from(NEW_KEY, 'hex'));
    for (const { table, column } of ENCRYPTED_COLUMNS) {
      const rows = (await ds.query(`SELECT ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL`)) as Array<{ value: string }>;
      expect(rows.length).toBeGreaterThan(0);
      for (const { value } of rows) expect(() => after.decrypt(value)).not.toThrow();
    }
    const pageToken = (await ds.query('SELECT access_token_enc FROM pages WHERE id = ?', [page.id])) as Array<{ access_token_enc: string }>;
    expect(after.decrypt(pageToken[0]!.access_token_enc)).toBe(page.accessToken);
    expect((await cli(['encryption', 'rotate'], { ENCRYPTION_KEY: NEW_KEY })).stdout).toContain('0 re-encrypted, 0 remaining');
  }, 400_000);
});
