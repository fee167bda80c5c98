import { FakeGraphServer } from '../test/fake-graph-server';
import { PAGE_ID, PAGE_TOKEN, aClient, type TestClient } from '../test/test-client';
import type { GraphResult, SubscriptionTokenPage } from './types';

const tokenRow = (n: number) => ({
  notification_messages_token: `tok-${n}`,
  recipient_id: `psid-${n}`,
  creation_timestamp: 1_760_000_000 + n,
  user_token_status: 'NOT_REFRESHED',
  topic_title: 'Deals',
  notification_messages_timezone: 'Europe/Paris',
});

describe('subscription tokens', () => {
  let server: FakeGraphServer;
  let t: TestClient;

  beforeAll(async () => {
    server = await FakeGraphServer.start();
    t = aClient(server.baseUrl);
  });
  afterAll(async () => {
    t.client.close();
    await server.stop();
  });

  it('maps one page of tokens, including rows without a PSID, and exposes the next cursor', async () => {
    server.answer(() => ({
      status: 200,
      body: {
        data: [
          {
            ...tokenRow(1),
            token_expiry_timestamp: 1_800_000_000_000,
            next_eligible_time: 1_764_000_000,
          },
          { notification_messages_token: 'tok-from-upload', creation_timestamp: 1_760_000_500 },
        ],
        paging: { cursors: { before: 'b0', after: 'c1' }, next: 'https://graph.facebook.com/next' },
      },
    }));

    const result = await t.client.listSubscriptionTokens(PAGE_TOKEN, PAGE_ID, { limit: 2, doNotReturnDuplicates: true });

    expect(result).toEqual({
      ok: true,
      value: {
        items: [
          {
            token: 'tok-1',
            psid: 'psid-1',
            createdAt: new Date(1_760_000_001_000),
            expiresAt: new Date(1_800_000_000_000),
            userTokenStatus: 'NOT_REFRESHED',
            topicTitle: 'Deals',
            timezone: 'Europe/Paris',
            nextEligibleAt: new Date(1_764_000_000_000),
          },
          { token: 'tok-from-upload', createdAt: new Date(1_760_000_500_000) },
        ],
        nextCursor: 'c1',
      },
    });
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: `/v23.0/${PAGE_ID}/notification_message_tokens`,
      query: { limit: '2', do_not_return_duplicates: 'true' },
    });
  });

  it('reads times as numbers or numeric strings, in seconds or ms, and leaves out (and reports) what it cannot read', async () => {
    server.answer(() => ({
      status: 200,
      body: {
        data: [
          // The documented quoted form, in seconds: 2028-01-01T00:00:00Z.
          { ...tokenRow(1), token_expiry_timestamp: '1830297600', creation_timestamp: '1760000001000', next_eligible_time: ' 1764000000 ' },
          { ...tokenRow(2), token_expiry_timestamp: 'never', creation_timestamp: '', user_token_status: 'PAUSED' },
          { ...tokenRow(3), user_token_status: 'refreshed', next_eligible_time: 1e20 },
        ],
      },
    }));

    const result = await t.client.listSubscriptionTokens(PAGE_TOKEN, PAGE_ID);

    if (!result.ok) throw new Error('listing failed');
    const [seconds, unreadable, lowerCase] = result.value.items;
    expect(seconds).toMatchObject({
      expiresAt: new Date('2028-01-01T00:00:00Z'),
      createdAt: new Date(1_760_000_001_000),
      nextEligibleAt: new Date(1_764_000_000_000),
    });
    expect(seconds!.unrecognised).toBeUndefined();
    expect(unreadable).toEqual({
      token: 'tok-2',
      psid: 'psid-2',
      topicTitle: 'Deals',
      timezone: 'Europe/Paris',
      unrecognised: [
        { field: 'creation_timestamp', value: '' },
        { field: 'token_expiry_timestamp', value: 'never' },
        { field: 'user_token_status', value: 'PAUSED' },
      ],
    });
    expect(lowerCase).toMatchObject({
      userTokenStatus: 'REFRESHED',
      unrecognised: [{ field: 'next_eligible_time', value: '100000000000000000000' }],
    });
    expect(lowerCase!.nextEligibleAt).toBeUndefined();
  });

  it('iterates across three pages by cursor and stops when paging.next is gone', async () => {
    server.answer((req) => {
      switch (req.query.after) {
        case undefined:
          return { status: 200, body: { data: [tokenRow(1), tokenRow(2)], paging: { cursors: { after: 'p2' }, next: 'n' } } };
        case 'p2':
          return { status: 200, body: { data: [tokenRow(3), tokenRow(4)], paging: { cursors: { after: 'p3' }, next: 'n' } } };
        default:
          // Meta still sends cursors on the last page.
          return { status: 200, body: { data: [tokenRow(5)], paging: { cursors: { after: 'p4' } } } };
      }
    });

    const pages: Array<GraphResult<SubscriptionTokenPage>> = [];
    for await (const page of t.client.iterateSubscriptionTokens(PAGE_TOKEN, PAGE_ID, { pageSize: 2 })) pages.push(page);

    const tokens = pages.flatMap((p) => (p.ok ? p.value.items.map((i) => i.token) : []));
    expect(tokens).toEqual(['tok-1', 'tok-2', 'tok-3', 'tok-4', 'tok-5']);
    expect(server.requests.map((r) => r.query.after)).toEqual([undefined, 'p2', 'p3']);
    expect(server.requests.every((r) => r.query.limit === '2')).toBe(true);
  });

  it('yields a failed page once and ends the iteration', async () => {
    server.answerInOrder(
      { status: 200, body: { data: [tokenRow(1)], paging: { cursors: { after: 'p2' }, next: 'n' } } },
      { status: 400, body: { error: { message: 'quota', code: 4, error_subcode: undefined, error_data: { remaining_seconds: 7200 } } } },
    );

    const pages: Array<GraphResult<SubscriptionTokenPage>> = [];
    for await (const page of t.client.iterateSubscriptionTokens(PAGE_TOKEN, PAGE_ID)) pages.push(page);

    expect(pages).toHaveLength(2);
    expect(pages[1]).toMatchObject({ ok: false, error: { kind: 'rate_limited' } });
  });

  it('unsubscribes by PSID and by subscription token with the documented rows in data, reading invalid_rows_count', async () => {
    server.answer(() => ({ status: 200, body: { success: true, invalid_rows_count: 0 } }));

    const result = await t.client.unsubscribe(PAGE_TOKEN, PAGE_ID, [{ psid: 'psid-1' }, { subscriptionToken: 'tok-2' }]);

    expect(result).toEqual({ ok: true, value: { success: true, invalidRowsCount: 0 } });
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: `/v23.0/${PAGE_ID}/messaging_customer_base/unsubscribe`,
      body: { data: [{ psid: 'psid-1' }, { subscriber_token: 'tok-2' }] },
    });
  });

  it('reports rows Meta did not match instead of a plain success', async () => {
    server.answer(() => ({ status: 200, body: { success: true, invalid_rows_count: '1' } }));
    expect(await t.client.unsubscribe(PAGE_TOKEN, PAGE_ID, [{ psid: 'psid-unknown' }])).toEqual({
      ok: true,
      value: { success: true, invalidRowsCount: 1 },
    });
  });

  it('does not take an answer without invalid_rows_count for done', async () => {
    server.answer(() => ({ status: 200, body: { success: true } }));
    expect(await t.client.unsubscribe(PAGE_TOKEN, PAGE_ID, [{ psid: 'psid-1' }])).toMatchObject({
      ok: false,
      error: { kind: 'unknown', httpStatus: 200 },
    });
  });
});
