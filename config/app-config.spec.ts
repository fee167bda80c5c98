import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'mm-config-'));

describe('loadConfig', () => {
  it('starts on embedded SQLite with the sandbox when nothing is set, and keeps its generated key', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config.database).toEqual({ dialect: 'sqlite', path: join(dir, 'mm.sqlite') });
    expect(config.graph.mode).toBe('sandbox');
    expect(config.port).toBe(3000);
    expect(loadConfig({ DATA_DIR: dir }).encryptionKey.equals(config.encryptionKey)).toBe(true);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8').trim()).toBe(config.encryptionKey.toString('base64'));
  });

  it('reads a MariaDB URL', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: 'mysql://app:s%40cret@db.local:3307/mm' });
    expect(config.database).toMatchObject({
      dialect: 'mysql',
      host: 'db.local',
      port: 3307,
      username: 'app',
      password: 's@cret',
      database: 'mm',
    });
  });

  it('reports every bad variable at once, each by name', () => {
    let error: unknown;
    try {
      loadConfig({
        DATA_DIR: dataDir(),
        DATABASE_URL: 'postgres://x/y',
        ENCRYPTION_KEY: 'short',
        PORT: 'eighty',
        GRAPH_API_URL: 'https://graph.facebook.com/v23.0',
        ROLES: 'api,cron',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'DATABASE_URL', 'ENCRYPTION_KEY', 'META_APP_SECRET', 'ROLES']);
  });

  it('reads the HTTP bounds, with defaults, and refuses a headers timeout longer than the request timeout', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).http).toEqual({ headersTimeoutMs: 5000, requestTimeoutMs: 10_000, maxConnections: 2000 });
    let error: unknown;
    try {
      loadConfig({ DATA_DIR: dataDir(), HTTP_HEADERS_TIMEOUT_MS: '20000', HTTP_MAX_CONNECTIONS: '0' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual(['HTTP_MAX_CONNECTIONS', 'HTTP_HEADERS_TIMEOUT_MS']);
  });

  it('creates the data directory for its generated secrets readable by the owner only', () => {
    const dir = join(dataDir(), 'fresh');
    loadConfig({ DATA_DIR: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'encryption.key')).mode & 0o777).toBe(0o600);
  });

  it('turns the sandbox off when GRAPH_API_URL and the app secret are set', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), GRAPH_API_URL: 'https://graph.facebook.com/v23.0/', META_APP_SECRET: 's' });
    expect(config.graph).toEqual({ mode: 'meta', url: 'https://graph.facebook.com/v23.0', appSecret: 's' });
  });
});
