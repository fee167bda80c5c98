import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HOUR_MS, SandboxClock } from './clock';
import type { SandboxContext } from './context';
import { CONTROL_PREFIX, handleControlRequest } from './control-routes';
import { SandboxControl } from './control-client';
import { invalidParameter, toErrorBody, unknownPath, type GraphErrorSpec } from './errors';
import { GRAPH_PATH, handleGraphRequest } from './graph-routes';
import { parseBody, queryParams, readRawBody, writeJson, type Reply } from './http-io';
import { IdSource } from './ids';
import type { SettingsInput } from './control-types';
import { SandboxState } from './state';
import { WebhookPoster } from './webhook-poster';

export interface SandboxOptions {
  /** 0 = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  appSecret: string;
  webhookUrl?: string;
  /** Version in `graphUrl`; every `/vX.Y/` prefix is answered. Default 'v23.0'. */
  apiVersion?: string;
  /** ms epoch the sandbox clock starts at; default Date.now(). */
  startTime?: number;
  /** Follow real time (shifted by advance/set) instead of standing still: for a local run, not for tests. */
  followWallClock?: boolean;
  /** Settings it starts with and goes back to on reset; default all off (tests post each webhook themselves). */
  settings?: SettingsInput;
  logger?: (line: string) => void;
}

export interface RunningSandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** url + '/v23.0' */
  graphUrl: string;
  control: SandboxControl;
  close(): Promise<void>;
}

/** Starts the Graph API emulator and its `/_sandbox` control API on one HTTP server. */
export async function startMessengerSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const state = new SandboxState(opts.webhookUrl, {
    marketingWebhooks: opts.settings?.marketingWebhooks ?? false,
    marketingReads: opts.settings?.marketingReads ?? false,
    campaignWarmUpMs: opts.settings?.campaignWarmUpMs ?? HOUR_MS,
  });
  const webhooks = new WebhookPoster({ appSecret: opts.appSecret, target: () => state.webhookUrl, logger: opts.logger });
  const ctx: SandboxContext = {
    state,
    clock: new SandboxClock(opts.startTime ?? Date.now(), opts.followWallClock ? Date.now : undefined),
    ids: new IdSource(),
    webhooks,
    appSecret: opts.appSecret,
    baseUrl: '',
  };

  const server = createServer((req, res) => {
    void serve(ctx, req, res, opts.logger);
  });
  // Benchmarks hold many keep-alive connections open at once.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = url;
  opts.logger?.(`messenger sandbox listening on ${url}`);

  return {
    url,
    graphUrl: `${url}/${opts.apiVersion ?? 'v23.0'}`,
    control: new SandboxControl(url),
    close: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function serve(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, logger?: (line: string) => void): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  // Paths only in logs: query strings carry access tokens.
  const path = (req.url ?? '/').split('?')[0];
  let reply: Reply;
  try {
    const url = new URL(req.url ?? '/', ctx.baseUrl);
    const raw = await readRawBody(req);
    const body = parseBody(raw, req.headers['content-type']);
    if (url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
      reply = await handleControlRequest(ctx, method, url, body ?? null);
    } else if (GRAPH_PATH.test(url.pathname)) {
      reply = await answerGraph(ctx, req, method, url, body);
    } else {
      reply = graphReply(ctx, unknownPath(url.pathname));
    }
  } catch (error: unknown) {
    // A bug in the sandbox, not a Meta behaviour: say so plainly instead of imitating Meta.
    reply = { status: 500, body: { error: { message: `sandbox failure: ${error instanceof Error ? error.stack : String(error)}` } } };
  }
  if (!res.destroyed) writeJson(res, reply);
  logger?.(`${method} ${path} ${reply.status} ${Date.now() - started}ms`);
}

async function answerGraph(
  ctx: SandboxContext,
  req: IncomingMessage,
  method: string,
  url: URL,
  body: Record<string, unknown> | undefined,
): Promise<Reply> {
  const latency = ctx.state.faults.latencyMs;
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
  if (body === undefined) {
    ctx.state.counters.requests++;
    return graphReply(ctx, invalidParameter('The request body could not be parsed as JSON or a form'));
  }
  const params = { ...queryParams(url.searchParams), ...body };
  const result = handleGraphRequest(ctx, { method, url, params, raw: req });
  const faults = ctx.state.faults;
  if ('body' in result && result.status < 300 && faults.stallCampaignWritesNext > 0 && isCampaignWrite(method, url.pathname)) {
    // Done and stored; only the answer is late (the caller's timeout fires first).
    faults.stallCampaignWritesNext--;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, faults.stallMs);
      // A caller that gave up closes its socket: nobody is left to answer.
      req.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return 'body' in result ? result : graphReply(ctx, result);
}

/** `POST act_{AD}/message_campaign`, or a POST / DELETE on one campaign id. */
function isCampaignWrite(method: string, pathname: string): boolean {
  const segments = pathname
    .replace(/^\/v\d+\.\d+/, '')
    .split('/')
    .filter((s) => s !== '');
  if (method === 'POST' && segments.length === 2 && segments[0]!.startsWith('act_') && segments[1] === 'message_campaign') return true;
  return (method === 'POST' || method === 'DELETE') && segments.length === 1 && !segments[0]!.startsWith('act_');
}

function graphReply(ctx: SandboxContext, spec: GraphErrorSpec): Reply {
  return { status: spec.status, body: toErrorBody(spec, ctx.ids.fbtraceId()) };
}
