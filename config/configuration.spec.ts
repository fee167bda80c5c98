import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_VARIABLES, ConfigError } from './app-config';
import { readConfiguration } from './configuration';

describe('readConfiguration (.env through @nestjs/config)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    // The file's variables land in process.env (as dotenv does): put the test runner's back.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  /** A .env file (its lines may name the temporary directory it lives in, as DATA_DIR). */
  function envFile(lines: (dir: string) => string[]): { dir: string; path: string } {
    const dir = mkdtempSync(join(tmpdir(), 'mm-dotenv-'));
    const path = join(dir, '.env');
    writeFileSync(path, lines(dir).join('\n') + '\n');
    return { dir, path };
  }

  it('reads the settings of a .env file', async () => {
    const { dir, path } = envFile((d) => ['PORT=4321', `DATA_DIR=${d}`, 'LOG_LEVEL=warn', 'ROLES=worker']);
    delete process.env.PORT;
    delete process.env.LOG_LEVEL;
    delete process.env.ROLES;
    const config = await readConfiguration(path);
    expect(config).toMatchObject({ port: 4321, dataDir: dir, logLevel: 'warn', roles: ['worker'] });
    expect(config.database).toEqual({ dialect: 'sqlite', path: join(dir, 'mm.sqlite') });
  });

  it('lets a variable of the process win over the same one in .env', async () => {
    const { path } = envFile((d) => [`PORT=4321`, `DATA_DIR=${d}`]);
    process.env.PORT = '5555';
    expect((await readConfiguration(path)).port).toBe(5555);
  });

  it('reports a bad value from .env with the one-line message naming the variable', async () => {
    const { path } = envFile((d) => [`PORT=eighty`, `DATA_DIR=${d}`]);
    delete process.env.PORT;
    const error = await readConfiguration(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['PORT must be an integer port between 0 and 65535 (got "eighty")']);
  });

  it('starts on the defaults from a copy of .env.example, whose empty settings mean "not set"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-dotenv-'));
    const path = join(dir, '.env');
    copyFileSync(join(__dirname, '../.env.example'), path);
    for (const key of Object.keys(CONFIG_VARIABLES)) delete process.env[key];
    process.env.DATA_DIR = dir;
    const config = await readConfiguration(path);
    expect(config).toMatchObject({ port: 3000, roles: ['api', 'worker'], database: { dialect: 'sqlite' }, graph: { mode: 'sandbox' } });
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.verifyToken).not.toBe('');
  });

  it('starts on the defaults when there is no .env file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mm-dotenv-'));
    delete process.env.PORT;
    process.env.DATA_DIR = dir;
    expect((await readConfiguration(join(dir, 'missing.env'))).port).toBe(3000);
  });
});
