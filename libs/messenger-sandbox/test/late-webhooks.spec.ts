import { HOUR, PAGE_ID, aSubscriber, resetWorld, startHarness, stopHarness, type Harness } from './sandbox-fixture';

/** Meta retries a delivery for up to a day and does not order deliveries: the control API plays that. */
describe('late, out-of-order and repeated webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  const texts = (): unknown[] => h.receiver.received.map((hook) => (hook.body.entry[0].messaging?.[0].message as { text?: string }).text);

  it('holds webhooks back, then posts them in the order asked, repeating or dropping some, each stamped when the person acted', async () => {
    const control = h.sandbox.control;
    expect(await control.holdWebhooks()).toEqual({ held: 0 });
    const first = await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'first' });
    await control.advanceClock(30_000);
    const second = await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'second' });
    await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'never delivered' });
    expect(h.receiver.received).toHaveLength(0);

    expect(await control.releaseWebhooks([1, 0, 1])).toEqual({ released: 3 });
    expect(texts()).toEqual(['second', 'first', 'second']);
    expect(h.receiver.received.map((hook) => hook.body.entry[0].messaging?.[0].timestamp)).toEqual([
      second.timestamp,
      first.timestamp,
      second.timestamp,
    ]);
    // Released: posting goes straight out again.
    await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'live' });
    expect(texts().at(-1)).toBe('live');
  });

  it('refuses a release order naming no held webhook', async () => {
    await h.sandbox.control.holdWebhooks();
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    await expect(h.sandbox.control.releaseWebhooks([1])).rejects.toMatchObject({ status: 400 });
    expect(await h.sandbox.control.releaseWebhooks()).toEqual({ released: 1 });
  });

  it("redelivers a past webhook in a new delivery: the same events, the retry's entry time", async () => {
    const control = h.sandbox.control;
    const first = await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'first' });
    await control.personMessage({ pageId: PAGE_ID, psid: 'p1', text: 'second' });
    await control.advanceClock(HOUR);
    const { entryTime } = await control.redeliverWebhook(1);
    const again = h.receiver.received.at(-1)!;
    expect(entryTime).toBe(first.timestamp + HOUR);
    expect(again.body.entry[0]).toMatchObject({ time: entryTime, messaging: [{ timestamp: first.timestamp, message: { text: 'first' } }] });
    expect(again.raw).not.toBe(h.receiver.received[0]!.raw);
    await expect(control.redeliverWebhook(50)).rejects.toMatchObject({ status: 404 });
  });

  it("posts a send's read, click and delivery_failed webhooks as Meta documents them: clicks and failures without a tracking id", async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = (await h.graph.createCampaign()).data.id as string;
    await h.sandbox.control.advanceClock(HOUR);
    const sent = await h.graph.marketing(campaignId, token);
    const trackingId = sent.data.marketing_message_tracking_id as string;
    h.receiver.clear();

    const read = await h.sandbox.control.marketingSendWebhook({ trackingId, field: 'marketing_message_reads' });
    await h.sandbox.control.marketingSendWebhook({ trackingId, field: 'marketing_message_clicks' });
    await h.sandbox.control.marketingSendWebhook({ trackingId, field: 'marketing_message_delivery_failed', errorMessage: 'Unreachable' });
    const changes = h.receiver.received.map((hook) => hook.body.entry[0].changes?.[0]);
    expect(changes.map((c) => c?.field)).toEqual([
      'marketing_message_reads',
      'marketing_message_clicks',
      'marketing_message_delivery_failed',
    ]);
    const common = {
      page_id: PAGE_ID,
      messenger_subscription_token: token,
      message_id: campaignId,
      recipient_id: 'p1',
      timestamp: read.timestamp,
    };
    expect(changes[0]?.value).toEqual({ ...common, marketing_message_tracking_id: trackingId });
    expect(changes[1]?.value).toEqual(common);
    expect(changes[2]?.value).toEqual({ ...common, error_message: 'Unreachable' });
    await expect(h.sandbox.control.marketingSendWebhook({ trackingId: 'nope', field: 'marketing_message_reads' })).rejects.toMatchObject({
      status: 404,
    });
  });
});
