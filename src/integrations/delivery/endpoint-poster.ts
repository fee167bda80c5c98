import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signPayload, TIMESTAMP_HEADER } from '../signature';

/** The receiver has this long to answer (headers and body), as the Graph client's per-call timeout. */
export const POST_TIMEOUT_MS = 10_000;
/** Of the receiver's answer, only this much is read (it is kept for nothing but its status). */
const MAX_ANSWER_BYTES = 64 * 1024;

export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * POSTs one signed envelope to an endpoint. The body is sent byte for byte as stored (the signature is
 * over those bytes); 2xx is delivered, anything else (another status, a timeout, a refused connection)
 * is an error to retry. Redirects are not followed (a 3xx is an error): an endpoint cannot bounce our
 * signed requests to another host. Errors carry the status or the network error code, never the secret.
 */
@Injectable()
export class EndpointPoster implements OnApplicationShutdown {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 16 });
  private readonly http: AxiosInstance = axios.create({
    timeout: POST_TIMEOUT_MS,
    httpAgent: this.httpAgent,
    httpsAgent: this.httpsAgent,
    maxRedirects: 0,
    maxContentLength: MAX_ANSWER_BYTES,
    responseType: 'text',
    // The body is already JSON text: sent as is.
    transformRequest: [(data: unknown) => data],
    validateStatus: () => true,
  });

  async post(input: {
    url: string;
    secret: string;
    envelope: string;
    eventId: string;
    eventType: string;
    timestampS: number;
  }): Promise<PostOutcome> {
    try {
      const res = await this.http.post(input.url, input.envelope, {
        headers: {
          'content-type': 'application/json',
          'user-agent': 'marketing-messages-events/1',
          [TIMESTAMP_HEADER]: String(input.timestampS),
          [SIGNATURE_HEADER]: signPayload(input.secret, input.timestampS, input.envelope),
          [EVENT_ID_HEADER]: input.eventId,
          [EVENT_TYPE_HEADER]: input.eventType,
        },
        // The whole exchange, connection included, as axios' timeout covers the answer only.
        signal: AbortSignal.timeout(POST_TIMEOUT_MS + 2_000),
      });
      if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
      return { ok: false, status: res.status, error: `HTTP ${res.status}` };
    } catch (error) {
      const code = axios.isAxiosError(error) ? (error.code ?? 'network_error') : error instanceof Error ? error.name : 'error';
      return { ok: false, status: null, error: code };
    }
  }

  onApplicationShutdown(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
