import { GraphApiClient } from '../src/graph-client';
import type { GraphClientOptions } from '../src/types';

export const APP_SECRET = 'test-app-secret-5f1d0c9a7e';
export const PAGE_TOKEN = 'EAAPageTokenForTests0123456789abcdef';
export const SYSTEM_TOKEN = 'EAASystemUserTokenForTests9876543210zyx';
export const PAGE_ID = '1029384756';
export const PSID = '5566778899';
export const FIXED_NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

export interface LogLine {
  level: 'warn' | 'debug';
  msg: string;
  meta?: Record<string, unknown>;
}

export interface TestClient {
  client: GraphApiClient;
  /** Every wait the client asked for, in order. */
  sleeps: number[];
  logs: LogLine[];
}

/** A client whose waits are recorded instead of slept, with a fixed clock and jitter of one half. */
export const aClient = (baseUrl: string, overrides: Partial<GraphClientOptions> = {}): TestClient => {
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const client = new GraphApiClient({
    baseUrl,
    appSecret: APP_SECRET,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    now: () => FIXED_NOW,
    logger: {
      warn: (msg, meta) => logs.push({ level: 'warn', msg, ...(meta !== undefined && { meta }) }),
      debug: (msg, meta) => logs.push({ level: 'debug', msg, ...(meta !== undefined && { meta }) }),
    },
    ...overrides,
  });
  return { client, sleeps, logs };
};
