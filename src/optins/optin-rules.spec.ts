import { evaluateOptinRules, type OptinRuleInputs, type PastRequest } from './optin-rules';

const AT = new Date('2026-06-10T12:00:00Z');
const HOUR = 3600_000;
const ago = (ms: number): Date => new Date(AT.getTime() - ms);
const sent = (title: string, when: Date, imageUrl: string | null = null): PastRequest => ({
  title,
  imageUrl,
  status: 'sent',
  errorKind: null,
  createdAt: when,
});

const inputs = (overrides: Partial<OptinRuleInputs> = {}): OptinRuleInputs => ({
  at: AT,
  platform: 'facebook',
  topic: { title: 'Summer arrivals', imageUrl: null, active: true, archived: false },
  window: { open: true, lastInboundAt: ago(HOUR) },
  subscribed: false,
  history: [],
  pageRestrictedAt: null,
  ...overrides,
});

describe('evaluateOptinRules', () => {
  it('allows a first request inside the window', () => {
    expect(evaluateOptinRules(inputs())).toEqual({ allowed: true });
  });

  it('refuses outside the window, without a retry time (the person must write first)', () => {
    const decision = evaluateOptinRules(inputs({ window: { open: false, lastInboundAt: ago(25 * HOUR) } }));
    expect(decision).toMatchObject({ allowed: false, rule: 'window_closed' });
    expect(decision).not.toHaveProperty('retryAt');
  });

  it('refuses the same title within 7 days and says when it is allowed again', () => {
    const decision = evaluateOptinRules(inputs({ history: [sent('Summer arrivals', ago(2 * 24 * HOUR))] }));
    expect(decision).toEqual(
      expect.objectContaining({ rule: 'same_title_within_7_days', retryAt: new Date(AT.getTime() + 5 * 24 * HOUR) }),
    );
    expect(evaluateOptinRules(inputs({ history: [sent('Summer arrivals', ago(7 * 24 * HOUR))] }))).toEqual({ allowed: true });
  });

  it('does not count a request Meta refused', () => {
    const failed: PastRequest = { ...sent('Summer arrivals', ago(HOUR)), status: 'failed', errorKind: 'outside_window' };
    expect(evaluateOptinRules(inputs({ history: [failed] }))).toEqual({ allowed: true });
  });

  it('treats a fresh reservation as pending and an old one as possibly sent', () => {
    const reserved = (when: Date): PastRequest => ({ ...sent('Summer arrivals', when), status: 'reserved' });
    expect(evaluateOptinRules(inputs({ history: [reserved(ago(60_000))] }))).toMatchObject({ rule: 'request_pending' });
    expect(evaluateOptinRules(inputs({ history: [reserved(ago(HOUR))] }))).toMatchObject({ rule: 'same_title_within_7_days' });
  });

  it('on Instagram, a different image makes a different request', () => {
    const ig = inputs({
      platform: 'instagram',
      topic: { title: 'Summer arrivals', imageUrl: 'https://x/b.jpg', active: true, archived: false },
    });
    expect(evaluateOptinRules({ ...ig, history: [sent('Summer arrivals', ago(HOUR), 'https://x/a.jpg')] })).toEqual({ allowed: true });
    expect(evaluateOptinRules({ ...ig, history: [sent('Summer arrivals', ago(HOUR), 'https://x/b.jpg')] })).toMatchObject({
      rule: 'same_title_within_7_days',
    });
  });

  it('on Instagram, refuses a 6th request in a day until the oldest of the five is a day old', () => {
    const history = [1, 2, 3, 4, 5].map((h) => sent(`Title ${h}`, ago(h * HOUR)));
    const decision = evaluateOptinRules(inputs({ platform: 'instagram', history }));
    expect(decision).toMatchObject({ rule: 'instagram_requests_per_day', retryAt: new Date(AT.getTime() + 19 * HOUR) });
  });

  it('on Instagram, refuses an 11th title in 7 days', () => {
    const history = Array.from({ length: 10 }, (_, i) => sent(`Title ${i}`, ago((i + 1) * 13 * HOUR)));
    const decision = evaluateOptinRules(inputs({ platform: 'instagram', history }));
    expect(decision).toMatchObject({ rule: 'instagram_titles_per_7_days', retryAt: new Date(AT.getTime() + 7 * 24 * HOUR - 130 * HOUR) });
  });

  it('refuses while the Page is restricted, and after a day tries again', () => {
    expect(evaluateOptinRules(inputs({ pageRestrictedAt: ago(HOUR) }))).toMatchObject({ rule: 'page_restricted' });
    expect(evaluateOptinRules(inputs({ pageRestrictedAt: ago(25 * HOUR) }))).toEqual({ allowed: true });
  });

  it('refuses a person already subscribed, and an inactive topic', () => {
    expect(evaluateOptinRules(inputs({ subscribed: true }))).toMatchObject({ rule: 'already_subscribed' });
    expect(evaluateOptinRules(inputs({ topic: { title: 'x', imageUrl: null, active: false, archived: false } }))).toMatchObject({
      rule: 'topic_inactive',
    });
  });
});
