import { afterRetryable, backoffMs, MAX_STEP_ATTEMPTS, runContinues } from './step-outcome';

describe('step outcomes', () => {
  const now = new Date('2026-06-01T00:00:00Z');

  it('backs off exponentially from 30 s and caps at 15 minutes', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20)).toBe(15 * 60_000);
  });

  it('schedules a retryable failure again until the attempts are spent, then fails it', () => {
    expect(afterRetryable({ kind: 'retry', error: 'HTTP 500' }, 1, now)).toEqual({ retryAt: new Date(now.getTime() + 30_000) });
    expect(afterRetryable({ kind: 'retry', error: 'HTTP 500' }, MAX_STEP_ATTEMPTS, now)).toEqual({
      kind: 'failed',
      error: `gave up after ${MAX_STEP_ATTEMPTS} attempts: HTTP 500`,
    });
  });

  it("waits for Meta's own retry time when it is later than the backoff", () => {
    const retryAt = new Date(now.getTime() + 3600_000);
    expect(afterRetryable({ kind: 'retry', error: 'rate limited', retryAt }, 1, now)).toEqual({ retryAt });
  });

  it('lets a refusal continue or stop the run as the step says, and never continues after a failure', () => {
    const skipped = { kind: 'skipped', rule: 'window_closed' } as const;
    expect(runContinues(skipped, 'continue')).toBe(true);
    expect(runContinues(skipped, 'stop')).toBe(false);
    expect(runContinues({ kind: 'failed', error: 'token' }, 'continue')).toBe(false);
    expect(runContinues({ kind: 'uncertain', error: 'timeout' }, 'stop')).toBe(true);
    expect(runContinues({ kind: 'sent', messageId: 'm_1' }, 'stop')).toBe(true);
  });
});
