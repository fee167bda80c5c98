import { classifyGraphError, type GraphError } from '../../libs/graph-api/src';
import { decideSendOutcome } from './send-outcome';

const now = new Date('2026-06-01T10:00:00Z');
const err = (e: Partial<GraphError> & Pick<GraphError, 'kind'>): GraphError => ({ code: 100, message: 'x', ...e }) as GraphError;

describe('decideSendOutcome', () => {
  it('marks the subscription of a person who stopped (2300034) and skips them', () => {
    expect(decideSendOutcome(err({ kind: 'subscriber_stopped', subcode: 2300034 }), now)).toMatchObject({
      kind: 'skip',
      reason: 'subscriber_stopped',
      mark: 'stopped',
    });
    expect(decideSendOutcome(err({ kind: 'token_expired' }), now)).toMatchObject({ kind: 'skip', mark: 'expired' });
    expect(decideSendOutcome(err({ kind: 'token_invalid' }), now)).toMatchObject({ kind: 'skip', mark: 'invalid' });
  });

  it('retries a send Meta refused with (#1200) Temporary send message failure, HTTP 400, is_transient (nothing was sent)', () => {
    const temporary = classifyGraphError(
      { code: 1200, error_subcode: 2018024, message: '(#1200) Temporary send message failure', is_transient: true },
      { httpStatus: 400, now: now.getTime() },
    );
    expect(decideSendOutcome(temporary, now)).toMatchObject({ kind: 'retry' });
  });

  it('skips an Instagram person Meta cannot reach (100/2534014) as it skips the Messenger twin (551/1545041)', () => {
    const instagram = classifyGraphError({ code: 100, error_subcode: 2534014, message: 'x' }, { httpStatus: 400 });
    const messenger = classifyGraphError({ code: 551, error_subcode: 1545041, message: 'x' }, { httpStatus: 400 });
    expect(decideSendOutcome(instagram, now)).toMatchObject({ kind: 'skip', reason: 'person_unavailable' });
    expect(decideSendOutcome(messenger, now)).toMatchObject({ kind: 'skip', reason: 'person_unavailable' });
  });

  it("defers a too-early recipient to Meta's next eligible time", () => {
    const next = new Date('2026-06-01T20:00:00Z');
    expect(decideSendOutcome(err({ kind: 'too_early', nextEligibleAt: next }), now)).toMatchObject({ kind: 'defer', at: next });
  });

  it('pauses for budgets; a daily budget resumes the next UTC day', () => {
    expect(decideSendOutcome(err({ kind: 'budget_reached', scope: 'lifetime' }), now)).toMatchObject({
      kind: 'pause',
      reason: 'budget_reached',
    });
    const daily = decideSendOutcome(err({ kind: 'budget_reached', scope: 'daily' }), now);
    expect(daily).toMatchObject({ kind: 'pause', reason: 'daily_budget_reached', resumeAt: new Date('2026-06-02T00:00:00Z') });
    expect(decideSendOutcome(err({ kind: 'payment_required', problem: 'balance' }), now)).toMatchObject({
      kind: 'pause',
      reason: 'payment_balance',
    });
  });

  it('never resends after a timeout: uncertain; a refused connection is retried', () => {
    expect(decideSendOutcome(err({ kind: 'transient', delivery: 'unknown', reason: 'timeout' }), now).kind).toBe('uncertain');
    expect(decideSendOutcome(err({ kind: 'transient', delivery: 'not_sent', reason: 'connection_refused' }), now).kind).toBe('retry');
  });

  it('waits out pacing on the campaign and rate limits on the Page', () => {
    const retryAt = new Date(now.getTime() + 1_800_000);
    expect(decideSendOutcome(err({ kind: 'pacing', retryAfterMs: 1_800_000, retryAt }), now)).toMatchObject({
      kind: 'hold',
      scope: 'campaign',
      until: retryAt,
    });
    expect(decideSendOutcome(err({ kind: 'rate_limited', retryAfterMs: 60_000, retryAt }), now)).toMatchObject({
      kind: 'hold',
      scope: 'page',
    });
  });

  it('skips frequency-capped and unavailable people without retrying them', () => {
    expect(decideSendOutcome(err({ kind: 'frequency_capped' }), now)).toMatchObject({ kind: 'skip', reason: 'frequency_capped' });
    expect(decideSendOutcome(err({ kind: 'person_unavailable' }), now)).toMatchObject({ kind: 'skip', reason: 'person_unavailable' });
  });
});
