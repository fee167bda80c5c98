import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-error';
import { HttpErrorFilter, ValidationFailed, type FieldProblem } from './http-error.filter';

/** Bodies of the API are a few kilobytes; this is the documented ceiling (413 above it). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
/** The deepest DTO (a sequence step's card's button) is 6 levels; anything near this is not our API. */
export const MAX_BODY_DEPTH = 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** A UTF-16 code unit of a surrogate pair that has no partner (JSON's `"\ud800"` parses to one). */
const LONE_SURROGATE = /\p{Cs}/u;

const payloadTooLarge = (): DomainError => new DomainError(413, 'payload_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`);

/**
 * Reads and parses JSON request bodies of the plugin's routes (the webhook receiver reads its own), in
 * place of body-parser, so that bad bytes are refused BEFORE anything costly and with the API's error body
 * (this runs after RequestIdMiddleware, so errors carry the requestId and are logged like any 4xx):
 * - more than MAX_BODY_BYTES: 413, without reading the rest;
 * - nesting deeper than MAX_BODY_DEPTH: 400 `body_too_deep`, found by a byte scan, before JSON.parse
 *   (deep bodies otherwise cost the parser, class-transformer and class-validator a recursion each);
 * - bytes that are not UTF-8 (RFC 8259 §8.1 requires it) or strings with a lone surrogate (RFC 8259 §8.2:
 *   not interoperable; stored, they become U+FFFD): 400 `validation_failed` naming the field;
 * - not JSON: 400 `invalid_json`.
 * A request with no JSON body gets `{}`, as body-parser gave. In a host app whose own body parser already
 * read the body (Nest's default), that parser's limits apply and the parsed body is held to the same depth
 * and surrogate rules. Errors are answered here: no controller's filter covers middleware.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly errors = new HttpErrorFilter();

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    // Applied to the plugin's routes and, in the standalone app, to every route: once per request.
    if (bodiesRead.has(req)) return next();
    bodiesRead.add(req);
    try {
      req.body = await bodyOf(req);
    } catch (error) {
      return this.errors.reply(error, res);
    }
    next();
  }
}

const bodiesRead = new WeakSet<Request>();

async function bodyOf(req: Request): Promise<unknown> {
  if (!req.is('application/json') && !req.is('application/*+json')) return {};
  if (req.readableEnded) return checkParsedBody((req.body as unknown) ?? {});
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw payloadTooLarge();
  const raw = await readBody(req);
  return raw.length === 0 ? {} : parseJsonBody(raw);
}

/** A body a host's parser already parsed, held to the rules parseJsonBody applies after its own parse. */
function checkParsedBody(body: unknown): unknown {
  if (depthOfValue(body, 0) > MAX_BODY_DEPTH) {
    throw new DomainError(400, 'body_too_deep', `The body's JSON is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  return checkSurrogates(body);
}

function checkSurrogates(body: unknown): unknown {
  const field = firstStringMatching(body, (s) => LONE_SURROGATE.test(s));
  if (field !== undefined) throw new ValidationFailed([problem(field, 'wellFormedUnicode', 'holds a lone UTF-16 surrogate')]);
  return body;
}

/** As depthOf, for a parsed value; stops counting past the limit. */
function depthOfValue(value: unknown, depth: number): number {
  if (value === null || typeof value !== 'object' || depth > MAX_BODY_DEPTH) return depth;
  let deepest = depth + 1;
  for (const inner of Object.values(value)) deepest = Math.max(deepest, depthOfValue(inner, depth + 1));
  return deepest;
}

async function readBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw payloadTooLarge();
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** The parsed body, or the 4xx saying what is wrong with it (see JsonBodyMiddleware). Exported for its unit tests. */
export function parseJsonBody(raw: Buffer): unknown {
  if (depthOf(raw) > MAX_BODY_DEPTH) {
    throw new DomainError(400, 'body_too_deep', `The body's JSON is nested deeper than ${MAX_BODY_DEPTH} levels`);
  }
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch {
    // Name the field: decoded leniently, the bad bytes are U+FFFD in the string they were in.
    const field = firstStringMatching(tryParse(lenientUtf8.decode(raw)), (s) => s.includes('\uFFFD'));
    throw new ValidationFailed([problem(field, 'utf8', 'is not valid UTF-8')]);
  }
  const body = tryParse(text);
  if (body === undefined) throw new DomainError(400, 'invalid_json', 'The body is not valid JSON');
  return checkSurrogates(body);
}

function problem(field: string | undefined, rule: string, what: string): FieldProblem {
  return { field: field || '(body)', rule, message: `${field || 'the body'} ${what}` };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The deepest nesting of arrays and objects, brackets inside strings not counted; stops counting past the limit. */
function depthOf(raw: Buffer): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > MAX_BODY_DEPTH) return depth;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) depth--;
  }
  return depth;
}

/** The dotted path (`steps.0.text`) of the first key or string value for which `test` holds. */
function firstStringMatching(value: unknown, test: (s: string) => boolean, path = ''): string | undefined {
  if (typeof value === 'string') return test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (test(key)) return at;
    const found = firstStringMatching(inner, test, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
