import { classifyGraphError, type GraphError } from '../../../libs/graph-api/src';
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

  it('retries a step Meta answered (#1200) Temporary send message failure with HTTP 400 and is_transient', () => {
    const temporary = classifyGraphError(
      { code: 1200, error_subcode: 2018024, message: 'Temporary send message failure', is_transient: true },
      { httpStatus: 400 },
    );
    expect(outcomeOfSendError(temporary)).toMatchObject({ kind: 'retry' });
  });

  it("skips an Instagram step outside the window (10/2534022) under the window's rule, like Messenger's 10/2018278", () => {
    const instagram = classifyGraphError({ code: 10, error_subcode: 2534022, message: 'x' }, { httpStatus: 400 });
    expect(outcomeOfSendError(instagram)).toEqual({ kind: 'skipped', rule: 'window_closed', detail: 'meta_outside_window' });
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
