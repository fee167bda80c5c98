import { createHmac } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { classifyErrorResponse, classifyTransportFailure } from './classify-error';
import type { GraphError } from './errors';
import type { GraphRequest } from './graph-request';
import { parseJson } from './json';
import { redactText, redactUrl } from './redact';
import { withRetry, type RetryPolicy } from './retry';
import type { GraphClientOptions, GraphLogger, GraphResult } from './types';

/** hex HMAC-SHA256 of the access token keyed with the app secret, as Meta's "Secure Requests" require. */
export const appSecretProof = (accessToken: string, appSecret: string): string =>
  createHmac('sha256', appSecret).update(accessToken).digest('hex');

const DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRateLimitWaitMs: 60_000,
  maxSockets: 50,
} as const;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Signs, sends, retries and classifies Graph calls; knows nothing of individual endpoints. */
export class GraphTransport {
  private readonly http: AxiosInstance;
  private readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly now: () => number;
  private readonly logger: GraphLogger | undefined;
  /** Agents this transport created and therefore must close. */
  private readonly ownAgents: Array<HttpAgent | HttpsAgent> = [];

  constructor(private readonly opts: GraphClientOptions) {
    if (!opts.appSecret) throw new TypeError('GraphClientOptions.appSecret is required');
    this.baseUrl = new URL(opts.baseUrl).toString().replace(/\/+$/, '');
    this.policy = {
      maxAttempts: Math.max(1, opts.retry?.maxAttempts ?? DEFAULTS.maxAttempts),
      baseDelayMs: opts.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs,
      maxDelayMs: opts.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs,
      maxRateLimitWaitMs: opts.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs,
      sleep: opts.sleep ?? realSleep,
      random: opts.random ?? Math.random,
    };
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;

    const keepAlive = opts.keepAlive ?? true;
    const maxSockets = opts.maxSockets ?? DEFAULTS.maxSockets;
    const httpAgent = opts.httpAgent ?? this.own(new HttpAgent({ keepAlive, maxSockets }));
    const httpsAgent = opts.httpsAgent ?? this.own(new HttpsAgent({ keepAlive, maxSockets }));
    this.http = axios.create({
      timeout: opts.timeoutMs ?? DEFAULTS.timeoutMs,
      httpAgent,
      httpsAgent,
      // Every status is an answer to classify, not an exception carrying the tokened URL.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
      maxRedirects: 0,
      // Proxies from the environment would be configuration read behind the application's back.
      proxy: false,
    });
  }

  /**
   * One call with its retries. `deadline` (a `performance.now()` instant, ms) bounds the whole call: each
   * attempt's timeout is cut to what is left, no retry wait runs past it, and an attempt that would start
   * after it is not made (a `transient` timeout, `delivery: 'not_sent'`).
   */
  async request<T>(req: GraphRequest<T>, deadline?: number): Promise<GraphResult<T>> {
    const url = this.buildUrl(req);
    const secrets = [req.accessToken, appSecretProof(req.accessToken, this.opts.appSecret), this.opts.appSecret, ...(req.secrets ?? [])];
    const logUrl = redactUrl(url);
    const policy: RetryPolicy = deadline === undefined ? this.policy : { ...this.policy, deadline };
    return withRetry(
      (attempt) => this.observed(req.method, () => this.attempt(req, url, secrets, logUrl, attempt, deadline)),
      req.repeatable,
      policy,
      ({ attempt, delayMs, error }) => {
        this.opts.observer?.retryWait({ errorKind: error.kind, delayMs });
        this.logger?.warn('Graph call will be retried', {
          method: req.method,
          url: logUrl,
          attempt,
          delayMs,
          kind: error.kind,
          code: error.code,
          subcode: error.subcode,
          fbtraceId: error.fbtraceId,
        });
      },
    );
  }

  /** One attempt, told to the observer (if any) when it ends. */
  private async observed<T>(method: string, attempt: () => Promise<GraphResult<T>>): Promise<GraphResult<T>> {
    const observer = this.opts.observer;
    if (!observer) return attempt();
    const started = performance.now();
    const result = await attempt();
    observer.attempt({ method, durationMs: performance.now() - started, ...(!result.ok && { errorKind: result.error.kind }) });
    return result;
  }

  /** Frees the keep-alive sockets of agents this transport created. */
  close(): void {
    for (const agent of this.ownAgents) agent.destroy();
  }

  private own<A extends HttpAgent | HttpsAgent>(agent: A): A {
    this.ownAgents.push(agent);
    return agent;
  }

  private buildUrl<T>(req: GraphRequest<T>): string {
    const url = new URL(this.baseUrl + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    url.searchParams.set('access_token', req.accessToken);
    url.searchParams.set('appsecret_proof', appSecretProof(req.accessToken, this.opts.appSecret));
    return url.toString();
  }

  private async attempt<T>(
    req: GraphRequest<T>,
    url: string,
    secrets: readonly string[],
    logUrl: string,
    attempt: number,
    deadline: number | undefined,
  ): Promise<GraphResult<T>> {
    const started = this.now();
    const left = deadline === undefined ? undefined : Math.floor(deadline - performance.now());
    if (left !== undefined && left <= 0) {
      return {
        ok: false,
        error: {
          kind: 'transient',
          code: 0,
          message: 'The time allowed for this Graph call ran out before it was made',
          reason: 'timeout',
          delivery: 'not_sent',
        },
      };
    }
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method: req.method,
        url,
        ...(left !== undefined && { timeout: Math.min(left, this.opts.timeoutMs ?? DEFAULTS.timeoutMs) }),
        ...(req.body !== undefined && { data: req.body, headers: { 'Content-Type': 'application/json' } }),
      });
    } catch (err: unknown) {
      return { ok: false, error: this.transportError(err, secrets) };
    }
    this.logger?.debug?.('Graph call answered', {
      method: req.method,
      url: logUrl,
      status: response.status,
      attempt,
      durationMs: this.now() - started,
    });
    const bodyText = typeof response.data === 'string' ? response.data : '';
    if (response.status < 200 || response.status >= 300) {
      return {
        ok: false,
        error: classifyErrorResponse(response.status, bodyText, {
          headers: lowerCaseHeaders(response.headers),
          now: this.now(),
          ...(req.messageTag !== undefined && { messageTag: req.messageTag }),
          redact: (text) => redactText(text, secrets),
        }),
      };
    }
    const value = req.readResponse(parseJson(bodyText));
    if (value === undefined) {
      return {
        ok: false,
        error: {
          kind: 'unknown',
          code: 0,
          message: `Graph API answered HTTP ${response.status} with an unexpected body`,
          httpStatus: response.status,
        },
      };
    }
    return { ok: true, value };
  }

  /** Only the error code and a scrubbed message survive: axios errors carry the tokened URL in `config`. */
  private transportError(err: unknown, secrets: readonly string[]): GraphError {
    if (!axios.isAxiosError(err)) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`Graph transport failed unexpectedly: ${redactText(message, secrets)}`);
    }
    return classifyTransportFailure(err.code, redactText(err.message, secrets));
  }
}

const lowerCaseHeaders = (headers: AxiosResponse['headers']): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (typeof value === 'string') out[key.toLowerCase()] = value;
  }
  return out;
};
