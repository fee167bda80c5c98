import { PAGE_ID, PAGE_TOKEN, aSubscriber, resetWorld, startHarness, stopHarness, type Harness } from './sandbox-fixture';

interface TokenPage {
  data: Array<{ notification_messages_token: string; recipient_id: string; topic_title: string; creation_timestamp: number }>;
  paging?: { cursors: { before: string; after: string }; next?: string };
}

describe('subscription tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  it('pages through 2,500 tokens with cursors; next only while more remain', async () => {
    await h.sandbox.control.bulkTokens({ pageId: PAGE_ID, count: 2500, title: 'Deals', prefix: 'bulk-' });
    const seen = new Set<string>();
    let answer = await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN, { limit: 1000 });
    const sizes: number[] = [];
    for (;;) {
      expect(answer.status).toBe(200);
      const page = answer.data as unknown as TokenPage;
      sizes.push(page.data.length);
      for (const item of page.data) seen.add(item.notification_messages_token);
      if (page.paging?.next === undefined) break;
      answer = await h.graph.absolute(page.paging.next);
    }
    expect(sizes).toEqual([1000, 1000, 500]);
    expect(seen.size).toBe(2500);
  });

  it('follows the after cursor by hand and caps limit at 1000, default 100', async () => {
    await h.sandbox.control.bulkTokens({ pageId: PAGE_ID, count: 1200, title: 'Deals' });
    const first = (await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN)).data as unknown as TokenPage;
    expect(first.data).toHaveLength(100);
    const second = (await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN, { after: first.paging?.cursors.after ?? '' }))
      .data as unknown as TokenPage;
    expect(second.data[0].notification_messages_token).not.toBe(first.data[99].notification_messages_token);
    const big = (await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN, { limit: 5000 })).data as unknown as TokenPage;
    expect(big.data).toHaveLength(1000);
  });

  it('does not list stopped and unsubscribed tokens', async () => {
    const stopped = await aSubscriber(h, 'p1');
    const unsubscribedById = await aSubscriber(h, 'p2');
    const unsubscribedByToken = await aSubscriber(h, 'p3');
    const kept = await aSubscriber(h, 'p4');
    await h.sandbox.control.personStop({ pageId: PAGE_ID, psid: 'p1' });
    const unsubscribe = await h.graph.post(`/${PAGE_ID}/messaging_customer_base/unsubscribe`, PAGE_TOKEN, {
      data: [{ psid: 'p2' }, { subscriber_token: unsubscribedByToken }, { psid: 'nobody' }, { id: 'p4' }],
    });
    // "nobody" is no subscriber and `{ id }` is not a row shape Meta reads: both are counted, not applied.
    expect(unsubscribe.data).toEqual({ success: true, invalid_rows_count: 2 });
    const listed = (await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN)).data as unknown as TokenPage;
    expect(listed.data.map((item) => item.notification_messages_token)).toEqual([kept]);
    expect([stopped, unsubscribedById]).not.toContain(kept);
  });

  it('refuses an unsubscribe body without data (the undocumented recipients shape) with code 100 and changes nothing', async () => {
    const token = await aSubscriber(h, 'p1');
    const answer = await h.graph.post(`/${PAGE_ID}/messaging_customer_base/unsubscribe`, PAGE_TOKEN, { recipients: [{ id: 'p1' }] });
    expect(answer.status).toBe(400);
    expect(answer.data.error).toMatchObject({ code: 100 });
    const listed = (await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN)).data as unknown as TokenPage;
    expect(listed.data.map((item) => item.notification_messages_token)).toEqual([token]);
  });

  it('answers an empty Page with no paging', async () => {
    const answer = await h.graph.get(`/${PAGE_ID}/notification_message_tokens`, PAGE_TOKEN);
    expect(answer.data).toEqual({ data: [] });
  });

  it('replaces the token when the person opts in to the same title again', async () => {
    const first = await aSubscriber(h, 'p1', 'Deals');
    await h.sandbox.control.advanceClock(8 * 24 * 3_600_000);
    const second = await aSubscriber(h, 'p1', 'Deals');
    expect(second).not.toBe(first);
    const rows = await h.sandbox.control.tokens({ pageId: PAGE_ID });
    expect(rows.data.map((row) => row.status)).toEqual(['REPLACED', 'ACTIVE']);
  });
});
