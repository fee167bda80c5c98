import { localDateOf } from '../common/local-time';
import { daysTakenBy, decideDailySlot, earliestLocalInstant, periodDays, type OtherSend } from './broadcast-time';

const at = (iso: string): Date => new Date(iso);
const decide = (now: string, zone: string, others: OtherSend[], days = 1, mineHoldsAll = others.length === 0) =>
  decideDailySlot({ now: at(now), zone, today: localDateOf(at(now), zone), days, mineHoldsAll, others });
/** A message sent at `sentAt` to a subscriber of `zone` under a period of `days` local days. */
const sentAt = (iso: string, zone: string, days = 1): OtherSend => ({
  days: daysTakenBy(localDateOf(at(iso), zone), days),
  sentAt: at(iso),
});

describe('broadcast time', () => {
  it('starts a local-time campaign when the first zone reaches the time', () => {
    expect(earliestLocalInstant('2026-06-02', '09:00').toISOString()).toBe('2026-06-01T19:00:00.000Z');
  });

  it('counts a period in whole local days', () => {
    expect(periodDays(24)).toBe(1);
    expect(periodDays(48)).toBe(2);
    expect(periodDays(12)).toBe(1);
    expect(daysTakenBy('2026-02-28', 2)).toEqual(['2026-02-28', '2026-03-01']);
  });

  it('Manila: 07:41 and 20:11 are the same local day although 00:00 UTC falls between; the next message waits for Manila midnight', () => {
    const manila = 'Asia/Manila';
    const first = sentAt('2026-06-01T23:41:00Z', manila); // 07:41 on 2 June in Manila
    expect(decide('2026-06-02T12:11:00Z', manila, [first])).toEqual({
      allowed: false,
      rule: 'already_messaged',
      alreadyMessaged: true,
      retryAt: at('2026-06-02T16:00:00Z'), // 00:00 on 3 June in Manila
    });
    expect(decide('2026-06-02T00:10:00Z', manila, [first])).toMatchObject({
      rule: 'already_messaged',
      retryAt: at('2026-06-02T16:00:00Z'),
    });
    expect(decide('2026-06-02T16:00:00Z', manila, [first], 1, true)).toEqual({ allowed: true });
  });

  it('Ho Chi Minh City: a day runs from 17:00 UTC to 17:00 UTC', () => {
    const hcm = 'Asia/Ho_Chi_Minh';
    const first = sentAt('2026-06-01T17:30:00Z', hcm); // 00:30 on 2 June
    expect(decide('2026-06-02T16:59:00Z', hcm, [first])).toMatchObject({ rule: 'already_messaged', retryAt: at('2026-06-02T17:00:00Z') });
  });

  it("Los Angeles: the same two UTC instants are one local day there too, and Meta's 12 hours outlast that day", () => {
    const la = 'America/Los_Angeles';
    const first = sentAt('2026-06-01T23:41:00Z', la); // 16:41 on 1 June (PDT)
    // 17:10 the same local day: refused; the local day ends 07:00 UTC but 12 h after the first is 11:41 UTC.
    expect(decide('2026-06-02T00:10:00Z', la, [first])).toEqual({
      allowed: false,
      rule: 'meta_12h_spacing',
      alreadyMessaged: true,
      retryAt: at('2026-06-02T11:41:00Z'),
    });
  });

  it("never undercuts Meta's 12 hours: 23:50 then 00:05 the next local day waits until 12 h passed", () => {
    const manila = 'Asia/Manila';
    const first = sentAt('2026-06-02T15:50:00Z', manila); // 23:50 on 2 June
    expect(decide('2026-06-02T16:05:00Z', manila, [first], 1, true)).toEqual({
      allowed: false,
      rule: 'meta_12h_spacing',
      alreadyMessaged: false,
      retryAt: at('2026-06-03T03:50:00Z'),
    });
    expect(decide('2026-06-03T03:50:00Z', manila, [first], 1, true)).toEqual({ allowed: true });
  });

  it('counts a delivery still in flight as sent now, and one that sent nothing (a retry holding its day) not at all', () => {
    const manila = 'Asia/Manila';
    const inFlight: OtherSend = { days: ['2026-06-02'], sentAt: at('2026-06-02T15:59:00Z') };
    expect(decide('2026-06-02T16:01:00Z', manila, [inFlight], 1, true)).toMatchObject({ rule: 'meta_12h_spacing' });
    const retrying: OtherSend = { days: ['2026-06-02'], sentAt: null };
    expect(decide('2026-06-02T16:01:00Z', manila, [retrying], 1, true)).toEqual({ allowed: true });
  });

  it('48 hours: a message on local Monday takes Monday and Tuesday; the next may go from Wednesday 00:00 local', () => {
    const manila = 'Asia/Manila';
    const monday = sentAt('2026-06-01T15:30:00Z', manila, 2); // Monday 1 June, 23:30 Manila
    expect(monday.days).toEqual(['2026-06-01', '2026-06-02']);
    expect(decide('2026-06-02T15:59:00Z', manila, [monday], 2)).toMatchObject({
      rule: 'already_messaged',
      retryAt: at('2026-06-02T16:00:00Z'),
    });
    expect(decide('2026-06-02T16:00:00Z', manila, [monday], 2, true)).toEqual({ allowed: true });
  });

  it('gives up a slot that changed hands meanwhile, to try again at once', () => {
    expect(decide('2026-06-02T01:00:00Z', 'Asia/Manila', [], 1, false)).toEqual({
      allowed: false,
      rule: 'slot_contended',
      alreadyMessaged: false,
      retryAt: at('2026-06-02T01:00:00Z'),
    });
  });
});
