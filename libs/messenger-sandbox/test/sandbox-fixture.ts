import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosInstance } from 'axios';
import { appsecretProof, startMessengerSandbox, type RunningSandbox } from '../src';

export const APP_SECRET = 'test-app-secret';
export const PAGE_ID = '1001';
export const PAGE_TOKEN = 'page-token-1001';
export const IG_PAGE_ID = '2002';
export const IG_PAGE_TOKEN = 'ig-token-2002';
export const AD_ACCOUNT_ID = '3003';
export const SYSTEM_TOKEN = 'system-user-token-3003';
export const PRICE = 5;
export const START = Date.UTC(2026, 10, 24, 9, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface ReceivedWebhook {
  raw: string;
  signature: string | undefined;
  body: {
    object: string;
    entry: Array<{
      id: string;
      time: number;
      messaging?: Array<Record<string, unknown>>;
      changes?: Array<{ field: string; value: Record<string, unknown> }>;
    }>;
  };
}

/** A real HTTP receiver that records what the sandbox posts; `answerStatuses` scripts its answers. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answerStatuses: number[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const status = this.answerStatuses.shift() ?? 200;
        if (status === 200) {
          const signature = req.headers['x-hub-signature-256'];
          this.received.push({
            raw,
            signature: typeof signature === 'string' ? signature : undefined,
            body: JSON.parse(raw) as ReceivedWebhook['body'],
          });
        }
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  clear(): void {
    this.received.length = 0;
    this.answerStatuses = [];
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

export interface GraphAnswer {
  status: number;
  data: Record<string, unknown> & {
    error?: { code: number; error_subcode?: number; message: string; type: string; error_data?: Record<string, unknown> };
  };
}

/** Graph calls as the plugin makes them: token + appsecret_proof in the query, JSON body. */
export class GraphCaller {
  private readonly http: AxiosInstance;

  constructor(graphUrl: string) {
    this.http = axios.create({ baseURL: graphUrl, validateStatus: () => true });
  }

  async post(path: string, token: string, body: object): Promise<GraphAnswer> {
    const { status, data } = await this.http.post<GraphAnswer['data']>(path, body, { params: authParams(token) });
    return { status, data };
  }

  async get(path: string, token: string, params: Record<string, string | number> = {}): Promise<GraphAnswer> {
    const { status, data } = await this.http.get<GraphAnswer['data']>(path, { params: { ...params, ...authParams(token) } });
    return { status, data };
  }

  async delete(path: string, token: string): Promise<GraphAnswer> {
    const { status, data } = await this.http.delete<GraphAnswer['data']>(path, { params: authParams(token) });
    return { status, data };
  }

  async absolute(url: string): Promise<GraphAnswer> {
    const { status, data } = await axios.get<GraphAnswer['data']>(url, { validateStatus: () => true });
    return { status, data };
  }

  /** Send API text message. */
  text(psid: string, text = 'hi', extra: object = {}, pageToken = PAGE_TOKEN): Promise<GraphAnswer> {
    return this.post('/me/messages', pageToken, { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { text }, ...extra });
  }

  /** Send API opt-in request. */
  optinRequest(psid: string, payload: Record<string, unknown> = {}, pageToken = PAGE_TOKEN): Promise<GraphAnswer> {
    return this.post('/me/messages', pageToken, {
      recipient: { id: psid },
      messaging_type: 'RESPONSE',
      message: {
        attachment: { type: 'template', payload: { template_type: 'notification_messages', payload: 'optin-payload', ...payload } },
      },
    });
  }

  createCampaign(body: object = {}): Promise<GraphAnswer> {
    return this.post(`/act_${AD_ACCOUNT_ID}/message_campaign`, SYSTEM_TOKEN, { name: 'Sale', page_id: PAGE_ID, ...body });
  }

  marketing(campaignId: string, token: string, message: object = { text: 'Sale today' }, extra: object = {}): Promise<GraphAnswer> {
    return this.post(`/act_${AD_ACCOUNT_ID}/messages`, SYSTEM_TOKEN, {
      message_id: campaignId,
      messenger_delivery_data: { subscription_token: token },
      message,
      ...extra,
    });
  }
}

function authParams(token: string): Record<string, string> {
  return { access_token: token, appsecret_proof: appsecretProof(token, APP_SECRET) };
}

export interface Harness {
  sandbox: RunningSandbox;
  receiver: WebhookReceiver;
  graph: GraphCaller;
}

export async function startHarness(): Promise<Harness> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const sandbox = await startMessengerSandbox({ port: 0, appSecret: APP_SECRET, webhookUrl: receiver.url, startTime: START });
  return { sandbox, receiver, graph: new GraphCaller(sandbox.graphUrl) };
}

/** Fresh state: one Facebook Page, one Instagram account, one ad account linked to both. */
export async function resetWorld(harness: Harness): Promise<void> {
  const control = harness.sandbox.control;
  await control.reset();
  harness.receiver.clear();
  await control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN });
  await control.registerPage({ id: IG_PAGE_ID, platform: 'instagram', accessToken: IG_PAGE_TOKEN });
  await control.registerAdAccount({
    id: AD_ACCOUNT_ID,
    systemUserToken: SYSTEM_TOKEN,
    pageIds: [PAGE_ID, IG_PAGE_ID],
    pricePerMessage: PRICE,
    currency: 'USD',
  });
}

export async function stopHarness(harness: Harness): Promise<void> {
  await harness.sandbox.close();
  await harness.receiver.close();
}

/** A person who wrote to the Page, received an opt-in request and tapped it: returns their token. */
export async function aSubscriber(harness: Harness, psid: string, title = 'Weekly deals'): Promise<string> {
  await harness.sandbox.control.personMessage({ pageId: PAGE_ID, psid });
  const request = await harness.graph.optinRequest(psid, { title });
  if (request.status !== 200) throw new Error(`opt-in request refused: ${JSON.stringify(request.data)}`);
  return (await harness.sandbox.control.personOptin({ pageId: PAGE_ID, psid })).token;
}
