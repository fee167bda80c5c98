/** The plugin's API as the console calls it: Bearer key from sessionStorage, one error type with the stable code. */

const KEY = 'mm.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string): void => sessionStorage.setItem(KEY, key),
  signOut: (): void => {
    sessionStorage.removeItem(KEY);
    window.dispatchEvent(new Event('mm:signed-out'));
  },
};

export interface FieldProblem {
  field: string;
  rule: string;
  message: string;
}

/** The API's one error body: `{ statusCode, error, message, fields?, details?, requestId }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Calls `/api<path>`; a 401 signs out (the app shows sign-in again) and throws. */
export async function api<T>(method: string, path: string, body?: unknown, key = session.key()): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${key ?? ''}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    if (res.status === 401 && key === session.key()) session.signOut();
    throw new ApiError(
      res.status,
      String(json.error ?? 'error'),
      String(json.message ?? res.statusText),
      (json.fields as FieldProblem[] | undefined) ?? [],
      (json.details as Record<string, unknown> | undefined) ?? {},
    );
  }
  return json as T;
}

/**
 * Reads a server-sent event stream (GET with the Bearer key: EventSource cannot send headers) and
 * calls `onEvent` for each `event:`/`data:` block until it ends or `signal` aborts.
 */
export async function streamEvents(path: string, onEvent: (type: string, data: string) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(`/api${path}`, {
    headers: { Authorization: `Bearer ${session.key() ?? ''}`, Accept: 'text/event-stream' },
    signal,
  });
  if (res.status === 401) session.signOut();
  if (!res.ok || !res.body) throw new ApiError(res.status, 'stream_failed', res.statusText);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(type, data.join('\n'));
    }
  }
}

export interface Page {
  id: string;
  name: string;
  platform: 'facebook' | 'instagram';
  adAccountId: string | null;
  hasSystemUserToken: boolean;
  currency: string;
  pricePerMessage: number | null;
  locale: string | null;
  timezone: string;
  transferredAt: string | null;
}
export interface TopicCounts {
  active: number;
  stopped: number;
  unsubscribed: number;
  expired: number;
  invalid: number;
  unlisted: number;
}
export interface Topic {
  id: string;
  pageId: string;
  title: string;
  imageUrl: string | null;
  payload: string;
  ctaText: string | null;
  active: boolean;
  archivedAt: string | null;
  subscribers: TopicCounts;
}
export interface SequenceStep {
  type: string;
  text?: string;
  topicId?: string;
  delaySeconds?: number;
  onForbidden?: 'continue' | 'stop';
}
export interface Sequence {
  id: string;
  name: string;
  steps: SequenceStep[];
}
export interface Rule {
  id: string;
  pageId: string;
  topicId: string;
  orderStatus: string;
  sequenceId: string;
  active: boolean;
}
export interface RuleStats {
  ruleId: string;
  eventsMatched: number;
  dispatches: number;
  optinRequestsSent: number;
  skippedByReason: Record<string, number>;
  subscriptions: number;
}
export interface RuleEvent {
  orderId: string;
  orderStatus: string;
  psid: string;
  outcome: 'dispatched' | 'skipped';
  skipReason: string | null;
  skipDetail: string | null;
  occurredAt: string;
}
export interface Estimate {
  audience: number;
  currency: string;
  ours: { pricePerMessage: number; cost: number };
  meta: { costLowerBound?: number; costUpperBound?: number; deliveryLowerBound?: number; deliveryUpperBound?: number; error?: string };
}
export interface Campaign {
  id: string;
  pageId: string;
  topicId: string;
  name: string;
  content: { type: string; text?: string; imageUrl?: string };
  status: 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'canceled';
  budget: { type: 'daily' | 'lifetime'; amount: number } | null;
  schedule: { type: string; at?: string | null; startAt?: string | null } | null;
  estimate: Estimate | null;
  audienceSize: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}
export interface Progress {
  campaignId: string;
  status: Campaign['status'];
  audience: number;
  pending: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  failedByReason: Record<string, number>;
  skipped: number;
  skippedByReason: Record<string, number>;
  uncertain: number;
  cost: { currency: string; spent: number; budget: number | null };
  secondsLeft: number | null;
}
export interface Subscriber {
  id: string;
  psid: string;
  status: string;
  createdAt?: string;
}
export interface SandboxState {
  sandbox: boolean;
  warmUpMs: number;
  metaWarmUpMs: number;
  demo: boolean;
}
export type MatchMode = 'is' | 'contains' | 'starts_with';
export interface Keyword {
  id: string;
  pageId: string;
  name: string;
  phrases: string[];
  matchMode: MatchMode;
  flowId: string | null;
  sequenceId: string | null;
  priority: number;
  active: boolean;
  isDefault: boolean;
  cooldownSeconds: number;
}
export interface KeywordStats {
  keywordId: string;
  fired: number;
  cooledDown: number;
  optinRequestsSent: number;
  optinsRefusedByReason: Record<string, number>;
  subscriptions: number;
}
/** One node of a flow's graph as the API stores it (see src/flows/dto/flow.dto.ts for the fields each type uses). */
export interface FlowNode {
  id: string;
  type: string;
  text?: string;
  topicId?: string;
  next?: string;
  ifRefused?: string;
  quickReplies?: Array<{ title: string; next: string }>;
  [field: string]: unknown;
}
export interface Flow {
  id: string;
  pageId: string;
  name: string;
  ref: string | null;
  version: number;
  entry: string;
  nodes: FlowNode[];
}
