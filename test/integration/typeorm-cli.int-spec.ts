import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { mysqlMigrations } from '../../migrations/mysql';
import { sqliteMigrations } from '../../migrations/sqlite';
import { mysqlUrl, testDatabases } from '../helpers/databases';
import { buildWorkerEntry } from '../helpers/worker-process';

const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

/** A database of its own, empty: the CLI must create the whole schema itself. */
async function emptyDatabase(db: 'sqlite' | 'mysql'): Promise<string> {
  if (db === 'sqlite') return `sqlite:${join(mkdtempSync(join(tmpdir(), 'mm-typeorm-cli-')), 'mm.sqlite')}`;
  const url = new URL(mysqlUrl());
  const name = `${url.pathname.slice(1)}_cli_${randomBytes(3).toString('hex')}`;
  const connection = await createConnection({ uri: mysqlUrl() });
  try {
    await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await connection.end();
  }
  url.pathname = `/${name}`;
  return url.toString();
}

describe.each(testDatabases())("Migrations through TypeORM's own CLI on %s", (db) => {
  let dataSourceFile: string;
  let databaseUrl: string;
  const migrationNames = (db === 'sqlite' ? sqliteMigrations : mysqlMigrations).map((m) => m.name);

  beforeAll(async () => {
    // The compiled output, as `npm run build` ships it to dist/.
    dataSourceFile = join(dirname(await buildWorkerEntry()), `database/cli/${db}.data-source.js`);
    databaseUrl = await emptyDatabase(db);
  }, 400_000);

  const typeorm = async (command: string): Promise<string> => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules/typeorm/cli.js'), command, '-d', dataSourceFile], {
      cwd: mkdtempSync(join(tmpdir(), 'mm-typeorm-cwd-')),
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: join(ROOT, 'node_modules'),
        DATABASE_URL: databaseUrl,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'mm-typeorm-data-')),
      },
    });
    return stdout;
  };
  /** `migration:show` lines: `[X] n Name` for applied, `[ ] Name` for pending. */
  const shown = async (): Promise<{ applied: string[]; pending: string[] }> => {
    const lines = (await typeorm('migration:show')).split('\n');
    const named = (mark: string): string[] =>
      lines.filter((l) => l.includes(mark)).map((l) => migrationNames.find((name) => l.includes(name))!);
    return { applied: named('[X]'), pending: named('[ ]') };
  };

  it('shows every migration pending, runs them, reverts the last, and runs it again', async () => {
    expect(await shown()).toEqual({ applied: [], pending: migrationNames });
    await typeorm('migration:run');
    expect(await shown()).toEqual({ applied: migrationNames, pending: [] });
    await typeorm('migration:revert');
    expect(await shown()).toEqual({ applied: migrationNames.slice(0, -1), pending: migrationNames.slice(-1) });
    await typeorm('migration:run');
    expect((await shown()).pending).toEqual([]);
  }, 120_000);

  it('refuses a DATABASE_URL of the other dialect, naming the file to use', async () => {
    const other = db === 'sqlite' ? 'mysql' : 'sqlite';
    const error = await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/typeorm/cli.js'),
        'migration:show',
        '-d',
        dataSourceFile.replace(`${db}.data-source`, `${other}.data-source`),
      ],
      { env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), DATABASE_URL: databaseUrl, DATA_DIR: tmpdir() } },
    ).catch((e: { stderr: string; stdout: string }) => e);
    expect(`${(error as { stdout: string }).stdout}${(error as { stderr: string }).stderr}`).toContain(
      `DATABASE_URL is a ${db} database: use dist/src/database/cli/${db}.data-source.js`,
    );
  }, 60_000);
});
