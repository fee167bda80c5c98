import type { GraphError } from '../../../libs/graph-api/src';
import { outcomeOfSendError } from './graph-outcome';

const error = (e: Partial<GraphError> & Pick<GraphError, 'kind'>): GraphError => ({ code: 0, message: 'x', ...e }) as GraphError;

describe('outcomeOfSendError', () => {
  it("skips a message Meta says is outside the window, under the window's rule", () => {
    expect(outcomeOfSendError(error({ kind: 'outside_window', code: 10, subcode: 2018278 }))).toEqual({
      kind: 'skipped',
      rule: 'window_closed',
      detail: 'meta_outside_window',
    });
  });

  it('retries a failure that cannot have reached Meta, and never one that may have', () => {
    expect(outcomeOfSendError(error({ kind: 'transient', delivery: 'not_sent', reason: 'server_error' }))).toMatchObject({ kind: 'retry' });
    expect(outcomeOfSendError(error({ kind: 'transient', delivery: 'unknown', reason: 'timeout' }))).toMatchObject({ kind: 'uncertain' });
  });

  it("waits for a rate limit's own retry time", () => {
    const retryAt = new Date('2026-06-01T03:00:00Z');
    expect(outcomeOfSendError(error({ kind: 'rate_limited', retryAfterMs: 60_000, retryAt }))).toMatchObject({ kind: 'retry', retryAt });
  });

  it('fails a refusal about the request itself, naming the kind and code', () => {
    expect(outcomeOfSendError(error({ kind: 'auth_invalid', code: 190, message: 'token expired' }))).toEqual({
      kind: 'failed',
      error: 'auth_invalid (190): token expired',
    });
  });
});
