import { classifyGraphError } from './classify-error';
import { defersCampaign, defersRecipient, isRetryable, marksSubscription, pausesCampaign } from './error-predicates';
import type { GraphError } from './errors';

const NOW = new Date('2026-11-24T12:00:00Z');
const HOUR = 3_600_000;
const mm = (subcode: number, errorData?: unknown): GraphError =>
  classifyGraphError({ code: 100, error_subcode: subcode, message: 'x', error_data: errorData }, { now: NOW.getTime() });
const transient = (delivery: 'unknown' | 'not_sent'): GraphError => ({
  kind: 'transient',
  code: 0,
  message: 'x',
  reason: 'timeout',
  delivery,
});

describe('error predicates', () => {
  it('isRetryable: throttling, warm-up and unsent transients, never a send whose fate is unknown', () => {
    expect(isRetryable(transient('not_sent'))).toBe(true);
    expect(isRetryable(transient('unknown'))).toBe(false);
    expect(isRetryable(mm(2300078))).toBe(true);
    expect(isRetryable(mm(2300055))).toBe(true);
    expect(isRetryable(mm(2300003))).toBe(true);
    expect(isRetryable(mm(2300034))).toBe(false);
    expect(isRetryable(mm(2300054))).toBe(false);
  });

  it('marksSubscription: stopped, invalid or expired tokens', () => {
    expect(marksSubscription(mm(2300034))).toBe('stopped');
    expect(marksSubscription(classifyGraphError({ code: 10, error_subcode: 1893015 }))).toBe('stopped');
    expect(marksSubscription(mm(2300004))).toBe('invalid');
    expect(marksSubscription(mm(2300005))).toBe('invalid');
    expect(marksSubscription(mm(2300037))).toBe('expired');
    expect(marksSubscription(mm(2300035))).toBeUndefined();
  });

  it('pausesCampaign: budget, payment, terms, account/Page region, credentials, broken content', () => {
    for (const n of [2300000, 2300001, 2300015, 2300054, 2300011, 2300058, 2300013, 2300030, 2300031, 2300023]) {
      expect([n, pausesCampaign(mm(n))]).toEqual([n, true]);
    }
    expect(pausesCampaign(classifyGraphError({ code: 190 }))).toBe(true);
    for (const n of [2300032, 2300034, 2300035, 2300042, 2300078, 2300003]) {
      expect([n, pausesCampaign(mm(n))]).toEqual([n, false]);
    }
  });

  it('defersRecipient: next_eligible_time when given, otherwise our default delays', () => {
    expect(defersRecipient(mm(2300035, { next_eligible_time: 1_795_000_000 }), NOW)).toEqual(new Date(1_795_000_000_000));
    expect(defersRecipient(mm(2300035), NOW)).toEqual(new Date(NOW.getTime() + 12 * HOUR));
    expect(defersRecipient(mm(2300043), NOW)).toEqual(new Date(NOW.getTime() + 24 * HOUR));
    expect(defersRecipient(mm(2300052), NOW, { unavailableMs: HOUR })).toEqual(new Date(NOW.getTime() + HOUR));
    expect(defersRecipient(mm(2300054), NOW)).toBeUndefined();
  });

  it('defersCampaign: until retryAt for throttling, a short wait during warm-up', () => {
    expect(defersCampaign(mm(2300062, { remaining_seconds: 60 }), NOW)).toEqual(new Date(NOW.getTime() + 60_000));
    expect(defersCampaign(mm(2300003), NOW)).toEqual(new Date(NOW.getTime() + 10 * 60_000));
    expect(defersCampaign(mm(2300034), NOW)).toBeUndefined();
  });
});
