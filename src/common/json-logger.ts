import type { LoggerService } from '@nestjs/common';
import { currentContext } from './request-context';

type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values are secrets wherever they appear in a log line's metadata. */
const SECRET_KEY = /token|secret|authorization|password|api[-_]?key|proof|cookie/i;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1);
  }
  return out;
}

/**
 * Structured JSON lines on stdout: time, level, context (the class name), request/delivery ids from
 * async-local storage, message, and redacted metadata. Nest's own log calls land here too.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly minLevel: Level = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  private emit(level: Level, message: unknown, rest: unknown[]): void {
    if (RANK[level] < RANK[this.minLevel]) return;
    // Nest passes (message, context) or (message, stack, context); our code passes (message, meta, context).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const extra = rest.find((r) => r !== undefined);
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, context, ...currentContext() };
    if (message instanceof Error) {
      line.msg = message.message;
      line.stack = message.stack;
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(line, redact(message));
    } else {
      line.msg = String(message);
    }
    if (typeof extra === 'string') line.stack = extra;
    else if (extra !== undefined) line.meta = redact(extra);
    this.write(JSON.stringify(line));
  }
}
