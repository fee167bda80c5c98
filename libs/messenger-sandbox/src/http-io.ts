import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler answers; the server writes it as JSON. */
export interface Reply {
  status: number;
  body: unknown;
}

export type Params = Record<string, unknown>;

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function readRawBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The Graph API takes parameters as JSON or as a form; in a form, nested objects arrive as JSON
 * strings (`recipient={"id":"..."}`), so those are decoded too. Undefined means unparseable.
 */
export function parseBody(raw: string, contentType: string | undefined): Params | undefined {
  if (raw.trim() === '') return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const params: Params = {};
    for (const [key, value] of new URLSearchParams(raw)) params[key] = decodeFormValue(value);
    return params;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function queryParams(search: URLSearchParams): Params {
  const params: Params = {};
  for (const [key, value] of search) params[key] = decodeFormValue(value);
  return params;
}

function decodeFormValue(value: string): unknown {
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function writeJson(res: ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** An integer from JSON or from a query string; 'invalid' when present but not an integer. */
export function readInteger(params: Params, key: string): number | undefined | 'invalid' {
  const value = params[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isSafeInteger(number) ? number : 'invalid';
}

export function readBoolean(params: Params, key: string): boolean {
  const value = params[key];
  return value === true || value === 'true' || value === '1';
}
