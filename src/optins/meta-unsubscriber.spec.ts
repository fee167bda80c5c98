import { MAX_META_UNSUBSCRIBE_ATTEMPTS, metaUnsubscribeBackoffMs } from './meta-unsubscriber';

describe('backoff of an unsubscribe at Meta', () => {
  it('doubles from one minute per failed call and stops growing at two hours', () => {
    expect([1, 2, 3, 4, 7, 8].map(metaUnsubscribeBackoffMs)).toEqual([60_000, 120_000, 240_000, 480_000, 3_840_000, 7_200_000]);
  });

  it('gives up after enough calls to span hours of a Meta outage', () => {
    const spanned = Array.from({ length: MAX_META_UNSUBSCRIBE_ATTEMPTS - 1 }, (_, i) => metaUnsubscribeBackoffMs(i + 1)).reduce(
      (a, b) => a + b,
      0,
    );
    expect(spanned).toBeGreaterThanOrEqual(2 * 3_600_000);
  });
});
