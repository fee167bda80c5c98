import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake Graph server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** What the fake answers: JSON with a status, or a misbehaving connection. */
export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | { hang: true } | { reset: true };

export type FakeHandler = (req: RecordedRequest, index: number) => FakeAnswer;

/**
 * A stand-in for graph.facebook.com on a random local port: answers Meta-shaped JSON chosen by the
 * test and records every request, so the client is tested without the Messenger sandbox.
 */
export class FakeGraphServer {
  readonly requests: RecordedRequest[] = [];
  private handler: FakeHandler = () => ({ status: 200, body: {} });
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(): Promise<FakeGraphServer> {
    const fake = new FakeGraphServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v23.0`;
  }

  /** Replace the handler; also clears the recorded requests so each test sees only its own. */
  answer(handler: FakeHandler): void {
    this.handler = handler;
    this.requests.length = 0;
  }

  /** Answer with these in order, repeating the last one. */
  answerInOrder(...answers: FakeAnswer[]): void {
    this.answer((_req, index) => answers[Math.min(index, answers.length - 1)] as FakeAnswer);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined,
      };
      const index = this.requests.length;
      this.requests.push(recorded);
      const answer = this.handler(recorded, index);
      if ('hang' in answer) return;
      if ('reset' in answer) {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  }
}

/** Meta's error body. */
export const metaError = (
  code: number,
  extra: { subcode?: number; message?: string; errorData?: unknown; status?: number; isTransient?: boolean } = {},
): FakeAnswer => ({
  status: extra.status ?? 400,
  body: {
    error: {
      message: extra.message ?? `(#${code}) canned error`,
      type: 'OAuthException',
      code,
      ...(extra.subcode !== undefined && { error_subcode: extra.subcode }),
      ...(extra.errorData !== undefined && { error_data: extra.errorData }),
      ...(extra.isTransient !== undefined && { is_transient: extra.isTransient }),
      fbtrace_id: 'AbCdEfTrace',
    },
  },
});
