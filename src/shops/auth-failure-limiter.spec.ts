import { Logger } from '@nestjs/common';
import { ManualClock } from '../common/clock';
import { AuthFailureLimiter, delayFor } from './auth-failure-limiter';

describe('AuthFailureLimiter', () => {
  let clock: ManualClock;
  let limiter: AuthFailureLimiter;
  let warnings: unknown[];
  beforeEach(() => {
    clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    limiter = new AuthFailureLimiter(clock);
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(message));
  });
  afterEach(() => {
    limiter.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('holds back nothing for 5 failures, then 250 ms doubling up to 5 s', () => {
    expect([1, 5, 6, 7, 8, 9, 10, 11, 50].map(delayFor)).toEqual([0, 0, 250, 500, 1000, 2000, 4000, 5000, 5000]);
  });

  it('counts per address: one address guessing does not slow another down', () => {
    for (let i = 0; i < 7; i++) limiter.recordFailure('203.0.113.9');
    expect(limiter.recordFailure('203.0.113.9')).toBe(1000);
    expect(limiter.recordFailure('198.51.100.4')).toBe(0);
  });

  it('starts over once the window has passed', () => {
    for (let i = 0; i < 8; i++) limiter.recordFailure('203.0.113.9');
    clock.advance(60_000);
    expect(limiter.recordFailure('203.0.113.9')).toBe(0);
  });

  it('logs one line per interval with the count and the busiest addresses, and none for a quiet interval', () => {
    for (let i = 0; i < 30; i++) limiter.recordFailure('203.0.113.9');
    limiter.recordFailure('198.51.100.4');
    expect(warnings).toEqual([]);
    limiter.flush();
    limiter.flush();
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'authentication failures',
        count: 31,
        addresses: 2,
        top: [
          { address: '203.0.113.9', count: 30 },
          { address: '198.51.100.4', count: 1 },
        ],
      }),
    ]);
  });
});
