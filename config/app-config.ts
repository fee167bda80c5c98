import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Which loops a process runs: `api` serves HTTP, `worker` runs claim loops and the scheduler tick. */
export type ProcessRole = 'api' | 'worker';

export type DatabaseSettings =
  | { dialect: 'sqlite'; path: string }
  | { dialect: 'mysql'; url: string; host: string; port: number; username: string; password: string; database: string };

/** Meta's Graph API, or the bundled sandbox when no Meta credentials are configured. */
export type GraphSettings = { mode: 'meta'; url: string; appSecret: string } | { mode: 'sandbox'; appSecret: string; port: number };

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseSettings;
  /** 32-byte AES-256-GCM key for tokens at rest. Sensitive. */
  encryptionKey: Buffer;
  /** Keys of values not yet re-encrypted during a key rotation (ENCRYPTION_KEY_PREVIOUS): read, never written. Sensitive. */
  previousEncryptionKeys: Buffer[];
  graph: GraphSettings;
  verifyToken: string;
  roles: ProcessRole[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** URL the sandbox posts webhooks to (this app's own webhook endpoint). */
  publicUrl: string;
  http: HttpLimits;
  /**
   * ms a request that calls Meta while the user waits may spend on Graph calls, all retries included
   * (GRAPH_USER_WAIT_MS); past it the API answers with the change still pending and the reconciler finishes it.
   */
  graphUserWaitMs: number;
  /** Port of a worker process's own HTTP listener (health and /metrics only; WORKER_HTTP_PORT, 0: any free port). */
  workerHttpPort: number;
}

/**
 * Bounds of the HTTP server (node:http's own settings): a client that sends its headers or its body too
 * slowly is answered 408 and cut off, and connections beyond the cap are refused, so slow clients cannot
 * hold the process. Meta's webhook posts are a few kilobytes sent at once: far inside these.
 */
export interface HttpLimits {
  /** ms to receive the complete headers of a request (node: server.headersTimeout). */
  headersTimeoutMs: number;
  /** ms to receive the complete request, headers and body (node: server.requestTimeout). */
  requestTimeoutMs: number;
  /** Open connections at most (node: server.maxConnections); more are closed at once. */
  maxConnections: number;
}

/** Every problem found, each naming the variable; boot prints them on one line each and exits. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

export type Env = Record<string, string | undefined>;

/** The settings an operator can give, with their defaults; `.env.example` mirrors this list. */
export const CONFIG_VARIABLES = {
  PORT: '3000',
  HOST: '0.0.0.0',
  DATA_DIR: './data',
  DATABASE_URL: 'sqlite:<DATA_DIR>/mm.sqlite',
  ENCRYPTION_KEY: '<generated into DATA_DIR/encryption.key on first start>',
  ENCRYPTION_KEY_PREVIOUS: '<unset; during a key rotation: the old key(s), comma-separated>',
  GRAPH_API_URL: '<unset: the bundled Messenger sandbox runs instead>',
  META_APP_SECRET: '<required with GRAPH_API_URL; the sandbox uses a generated one>',
  META_VERIFY_TOKEN: '<generated into DATA_DIR/verify-token on first start>',
  SANDBOX_PORT: '3001',
  PUBLIC_URL: 'http://127.0.0.1:<PORT>',
  ROLES: 'api,worker',
  LOG_LEVEL: 'info',
  HTTP_HEADERS_TIMEOUT_MS: '5000',
  HTTP_REQUEST_TIMEOUT_MS: '10000',
  HTTP_MAX_CONNECTIONS: '2000',
  WORKER_HTTP_PORT: '3002',
} as const;

export function loadConfig(env: Env = process.env): AppConfig {
  // `NAME=` (as in .env.example, or compose's `${NAME:-}`) means "not set": the default applies.
  env = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const problems: string[] = [];
  const port = readPort(env, 'PORT', 3000, problems);
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const database = readDatabase(env.DATABASE_URL, dataDir, problems);
  const encryptionKey = readEncryptionKey(env.ENCRYPTION_KEY, dataDir, problems);
  const previousEncryptionKeys = (env.ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => parseKey(k, 'ENCRYPTION_KEY_PREVIOUS', problems));
  const graph = readGraph(env, dataDir, problems);
  const roles = readRoles(env.ROLES, problems);
  const logLevel = readLogLevel(env.LOG_LEVEL, problems);
  const http: HttpLimits = {
    headersTimeoutMs: readPositiveInt(env, 'HTTP_HEADERS_TIMEOUT_MS', 5000, problems),
    requestTimeoutMs: readPositiveInt(env, 'HTTP_REQUEST_TIMEOUT_MS', 10_000, problems),
    maxConnections: readPositiveInt(env, 'HTTP_MAX_CONNECTIONS', 2000, problems),
  };
  if (http.headersTimeoutMs > http.requestTimeoutMs) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not be larger than HTTP_REQUEST_TIMEOUT_MS (the request includes its headers)');
  }
  const graphUserWaitMs = readPositiveInt(env, 'GRAPH_USER_WAIT_MS', 8000, problems);
  const workerHttpPort = readPort(env, 'WORKER_HTTP_PORT', 3002, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    database: database!,
    encryptionKey: encryptionKey!,
    previousEncryptionKeys: previousEncryptionKeys.filter((k): k is Buffer => k !== undefined),
    graph: graph!,
    verifyToken: env.META_VERIFY_TOKEN ?? persistedSecret(dataDir, 'verify-token', 24),
    roles,
    logLevel,
    publicUrl: (env.PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/$/, ''),
    http,
    graphUserWaitMs,
    workerHttpPort,
  };
}

function readPositiveInt(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    problems.push(`${name} must be a positive integer (got "${raw}")`);
    return fallback;
  }
  return value;
}

function readPort(env: Env, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    problems.push(`${name} must be an integer port between 0 and 65535 (got "${raw}")`);
    return fallback;
  }
  return value;
}

function readDatabase(raw: string | undefined, dataDir: string, problems: string[]): DatabaseSettings | undefined {
  if (raw === undefined || raw === '') return { dialect: 'sqlite', path: join(dataDir, 'mm.sqlite') };
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') {
      problems.push('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:./data/mm.sqlite');
      return undefined;
    }
    return { dialect: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(path) };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push('DATABASE_URL is not a valid URL (expected mysql://user:password@host:3306/database or sqlite:path)');
    return undefined;
  }
  if (url.protocol !== 'mysql:' && url.protocol !== 'mariadb:') {
    problems.push(`DATABASE_URL protocol "${url.protocol}" is not supported (use mysql://, mariadb:// or sqlite:)`);
    return undefined;
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname === '' || database === '') {
    problems.push('DATABASE_URL must name a host and a database, e.g. mysql://root@127.0.0.1:3306/mm');
    return undefined;
  }
  return {
    dialect: 'mysql',
    url: raw,
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    username: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    database,
  };
}

function readEncryptionKey(raw: string | undefined, dataDir: string, problems: string[]): Buffer | undefined {
  return parseKey(raw ?? persistedSecret(dataDir, 'encryption.key', 32), 'ENCRYPTION_KEY', problems);
}

function parseKey(value: string, name: string, problems: string[]): Buffer | undefined {
  const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(value) && key.toString('base64') !== value)) {
    problems.push(`${name} must be 32 bytes, given as 64 hex characters or base64 (openssl rand -base64 32)`);
    return undefined;
  }
  return key;
}

function readGraph(env: Env, dataDir: string, problems: string[]): GraphSettings | undefined {
  const url = env.GRAPH_API_URL;
  if (url === undefined || url === '') {
    const appSecret = env.META_APP_SECRET || persistedSecret(dataDir, 'sandbox-app-secret', 24);
    return { mode: 'sandbox', appSecret, port: readPort(env, 'SANDBOX_PORT', 3001, problems) };
  }
  if (!/^https?:\/\/[^/]+/.test(url)) {
    problems.push(`GRAPH_API_URL must be an http(s) URL including the API version, e.g. https://graph.facebook.com/v23.0`);
    return undefined;
  }
  if (!env.META_APP_SECRET) {
    problems.push('META_APP_SECRET is required when GRAPH_API_URL is set (webhook signatures and appsecret_proof)');
    return undefined;
  }
  return { mode: 'meta', url: url.replace(/\/$/, ''), appSecret: env.META_APP_SECRET };
}

function readRoles(raw: string | undefined, problems: string[]): ProcessRole[] {
  const roles = (raw ?? 'api,worker')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const wrong = roles.filter((r) => r !== 'api' && r !== 'worker');
  if (wrong.length > 0 || roles.length === 0) {
    problems.push(`ROLES must be a comma-separated list of "api" and "worker" (got "${raw}")`);
    return ['api', 'worker'];
  }
  return roles as ProcessRole[];
}

function readLogLevel(raw: string | undefined, problems: string[]): AppConfig['logLevel'] {
  const level = raw ?? 'info';
  if (level === 'debug' || level === 'info' || level === 'warn' || level === 'error') return level;
  problems.push(`LOG_LEVEL must be one of debug, info, warn, error (got "${raw}")`);
  return 'info';
}

/**
 * The embedded defaults must survive restarts (an encryption key that changed would make every stored
 * token unreadable), so a generated secret is written once into the data directory, readable by its owner only.
 */
function persistedSecret(dataDir: string, file: string, bytes: number): string {
  const path = join(dataDir, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  // The directory holds the secrets and the embedded database: its owner's only (0700).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes).toString('base64');
  try {
    writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process booting at the same moment wrote it first: theirs wins.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
  return secret;
}

/** Base URL of Graph calls: Meta's, or the bundled sandbox's (which main.ts starts on SANDBOX_PORT). */
export function graphBaseUrl(graph: GraphSettings): string {
  return graph.mode === 'meta' ? graph.url : `http://127.0.0.1:${graph.port}/${SANDBOX_API_VERSION}`;
}

export const SANDBOX_API_VERSION = 'v23.0';
