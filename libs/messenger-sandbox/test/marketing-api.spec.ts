import {
  AD_ACCOUNT_ID,
  DAY,
  HOUR,
  IG_PAGE_ID,
  PAGE_ID,
  PAGE_TOKEN,
  PRICE,
  SYSTEM_TOKEN,
  aSubscriber,
  resetWorld,
  startHarness,
  stopHarness,
  type Harness,
} from './sandbox-fixture';

describe('Marketing Message API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  /** A campaign past its warm-up hour. */
  async function aReadyCampaign(body: object = {}): Promise<string> {
    const created = await h.graph.createCampaign(body);
    expect(created.status).toBe(200);
    await h.sandbox.control.advanceClock(HOUR);
    return created.data.id as string;
  }

  it('refuses a send during the warm-up hour with 2300003, then accepts it', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = (await h.graph.createCampaign()).data.id as string;
    const early = await h.graph.marketing(campaignId, token);
    expect(early.data.error).toMatchObject({ code: 100, error_subcode: 2300003 });
    await h.sandbox.control.advanceClock(HOUR);
    const sent = await h.graph.marketing(campaignId, token);
    expect(sent.data).toEqual({ success: true, marketing_message_tracking_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('allows one message per token per 12 hours (2300035 with next_eligible_time)', async () => {
    const token = await aSubscriber(h, 'p1');
    const first = await aReadyCampaign();
    const second = (await h.graph.createCampaign({ name: 'Second' })).data.id as string;
    await h.sandbox.control.advanceClock(HOUR);
    const sentAt = await h.sandbox.control.now();
    expect((await h.graph.marketing(first, token)).status).toBe(200);
    const refused = await h.graph.marketing(second, token);
    expect(refused.data.error).toMatchObject({
      error_subcode: 2300035,
      error_data: { next_eligible_time: Math.ceil((sentAt + 12 * HOUR) / 1000) },
    });
    await h.sandbox.control.advanceClock(12 * HOUR);
    expect((await h.graph.marketing(second, token)).status).toBe(200);
  });

  it('refuses a stopped token with 2300034 and sends again after resume', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    await h.sandbox.control.personStop({ pageId: PAGE_ID, psid: 'p1' });
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300034);
    await h.sandbox.control.personResume({ pageId: PAGE_ID, psid: 'p1' });
    expect((await h.graph.marketing(campaignId, token)).status).toBe(200);
  });

  it('refuses an unsubscribed token with 2300034', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    await h.graph.post(`/${PAGE_ID}/messaging_customer_base/unsubscribe`, PAGE_TOKEN, { data: [{ subscriber_token: token }] });
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300034);
  });

  it('refuses sends past the lifetime budget with 2300015', async () => {
    const campaignId = await aReadyCampaign({ lifetime_budget: 2 * PRICE });
    await h.sandbox.control.bulkTokens({ pageId: PAGE_ID, count: 3, title: 'Deals' });
    const tokens = (await h.sandbox.control.tokens({ pageId: PAGE_ID })).data.map((row) => row.token);
    expect((await h.graph.marketing(campaignId, tokens[0])).status).toBe(200);
    expect((await h.graph.marketing(campaignId, tokens[1])).status).toBe(200);
    expect((await h.graph.marketing(campaignId, tokens[2])).data.error?.error_subcode).toBe(2300015);
  });

  it('refuses sends past the daily budget with 2300054 until the next UTC day', async () => {
    const campaignId = await aReadyCampaign({ daily_budget: PRICE });
    await h.sandbox.control.bulkTokens({ pageId: PAGE_ID, count: 2, title: 'Deals' });
    const tokens = (await h.sandbox.control.tokens({ pageId: PAGE_ID })).data.map((row) => row.token);
    expect((await h.graph.marketing(campaignId, tokens[0])).status).toBe(200);
    expect((await h.graph.marketing(campaignId, tokens[1])).data.error?.error_subcode).toBe(2300054);
    const now = await h.sandbox.control.now();
    await h.sandbox.control.setClock(Math.floor(now / DAY) * DAY + DAY);
    expect((await h.graph.marketing(campaignId, tokens[1])).status).toBe(200);
  });

  it('answers 2300001 for an unknown campaign and 2300004 for an unknown token', async () => {
    const token = await aSubscriber(h, 'p1');
    expect((await h.graph.marketing('999', token)).data.error?.error_subcode).toBe(2300001);
    const campaignId = await aReadyCampaign();
    expect((await h.graph.marketing(campaignId, 'no-such-token')).data.error?.error_subcode).toBe(2300004);
  });

  it("answers 2300005 for another Page's token", async () => {
    await h.sandbox.control.bulkTokens({ pageId: IG_PAGE_ID, count: 1, title: 'Deals' });
    const [row] = (await h.sandbox.control.tokens({ pageId: IG_PAGE_ID })).data;
    const campaignId = await aReadyCampaign();
    expect((await h.graph.marketing(campaignId, row.token)).data.error?.error_subcode).toBe(2300005);
  });

  it('answers 2300000 for a paused campaign, and for one outside start/end', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    expect((await h.graph.post(`/${campaignId}`, SYSTEM_TOKEN, { status: 'PAUSED' })).data).toEqual({ success: true });
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300000);
    const now = Math.floor((await h.sandbox.control.now()) / 1000);
    const later = await aReadyCampaign({ start_time: now + 3 * 3600, end_time: now + 5 * 3600 });
    expect((await h.graph.marketing(later, token)).data.error?.error_subcode).toBe(2300000);
    await h.sandbox.control.advanceClock(2 * HOUR);
    expect((await h.graph.marketing(later, token)).status).toBe(200);
  });

  it('answers 2300037 for an expired token', async () => {
    await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
    await h.graph.optinRequest('p1');
    const { token } = await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1', tokenExpiresInMs: 30 * 60_000 });
    const campaignId = await aReadyCampaign();
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300037);
  });

  it('answers 2300038 for an unresolved placeholder but fills first_name', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    expect((await h.graph.marketing(campaignId, token, { text: 'Hi {{coupon_code}}' })).data.error?.error_subcode).toBe(2300038);
    expect((await h.graph.marketing(campaignId, token, { text: 'Hi {{first_name}}' })).status).toBe(200);
  });

  it("answers 2300052 when the person chatted within the send's min_conversation_gap_seconds", async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    const gap = { min_conversation_gap_seconds: 2 * 3600 };
    expect((await h.graph.marketing(campaignId, token, undefined, gap)).data.error?.error_subcode).toBe(2300052);
    await h.sandbox.control.advanceClock(HOUR);
    expect((await h.graph.marketing(campaignId, token, undefined, gap)).status).toBe(200);
  });

  it('refuses min_conversation_gap_seconds on campaign creation, where Meta does not take it, with code 100', async () => {
    const answer = await h.graph.createCampaign({ min_conversation_gap_seconds: 3600 });
    expect(answer.status).toBe(400);
    expect(answer.data.error).toMatchObject({ code: 100 });
  });

  it('answers 2300042 for a frequency-capped person', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    await h.sandbox.control.setFaults({ frequencyCapPsids: ['p1'] });
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300042);
  });

  it('records sends, spend and insights, and counts duplicates per campaign + token', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    expect((await h.graph.marketing(campaignId, token)).status).toBe(200);
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300035);
    await h.sandbox.control.advanceClock(12 * HOUR);
    expect((await h.graph.marketing(campaignId, token)).status).toBe(200);

    const stats = await h.sandbox.control.stats();
    expect(stats).toMatchObject({ marketingSends: 2, duplicateMarketingSends: 1, duplicateMarketingAttempts: 2 });
    const sends = await h.sandbox.control.marketingSends({ campaignId });
    expect(sends.total).toBe(2);
    expect(sends.data[0]).toMatchObject({ campaignId, token, psid: 'p1' });
    const received = await h.sandbox.control.received(PAGE_ID, 'p1');
    expect(received.filter((item) => item.source === 'marketing_message')).toHaveLength(2);

    const insights = await h.graph.get(`/${campaignId}/insights`, SYSTEM_TOKEN);
    expect((insights.data.data as unknown[])[0]).toMatchObject({
      marketing_messages_delivered: '2',
      marketing_messages_spend: '0.10',
      marketing_messages_cost_per_delivered: '0.05',
    });
  });

  it('estimates delivery and cost from the ad account price, capped by what the budget buys', async () => {
    await h.sandbox.control.bulkTokens({ pageId: PAGE_ID, count: 20, title: 'Deals' });
    const answer = await h.graph.get(`/act_${AD_ACCOUNT_ID}/message_delivery_estimate`, SYSTEM_TOKEN, {
      promoted_object: JSON.stringify({ page_id: PAGE_ID }),
      is_direct_send_campaign: 'true',
      daily_budget: 5 * PRICE,
      lifetime_in_days: 2,
    });
    expect(answer.data).toEqual({
      data: [
        {
          estimate_delivery_lower_bound: 8,
          estimate_delivery_upper_bound: 10,
          estimate_cost_lower_bound: 8 * PRICE,
          estimate_cost_upper_bound: 10 * PRICE,
          estimate_status: 'READY',
        },
      ],
    });
  });

  it('refuses an estimate asked with parameters Meta does not document (page_id, audience_size) with code 100', async () => {
    const answer = await h.graph.get(`/act_${AD_ACCOUNT_ID}/message_delivery_estimate`, SYSTEM_TOKEN, {
      page_id: PAGE_ID,
      audience_size: 1000,
    });
    expect(answer.status).toBe(400);
    expect(answer.data.error).toMatchObject({ code: 100 });
  });

  it('deletes a campaign, after which sends answer 2300000', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    expect((await h.graph.delete(`/${campaignId}`, SYSTEM_TOKEN)).data).toEqual({ success: true });
    expect((await h.graph.marketing(campaignId, token)).data.error?.error_subcode).toBe(2300000);
  });

  it('refuses campaign calls with a Page token and validates budgets', async () => {
    const withPageToken = await h.graph.post(`/act_${AD_ACCOUNT_ID}/message_campaign`, PAGE_TOKEN, { name: 'x', page_id: PAGE_ID });
    expect(withPageToken.data.error).toMatchObject({ code: 100, error_subcode: 33 });
    expect((await h.graph.createCampaign({ daily_budget: 100, lifetime_budget: 1000 })).data.error?.code).toBe(100);
    expect((await h.graph.createCampaign({ page_id: '424242' })).data.error?.code).toBe(100);
  });

  it('posts echo then delivery webhooks when marketingWebhooks is on', async () => {
    const token = await aSubscriber(h, 'p1');
    const campaignId = await aReadyCampaign();
    await h.sandbox.control.setSettings({ marketingWebhooks: true });
    h.receiver.clear();
    const sent = await h.graph.marketing(campaignId, token);
    await h.sandbox.control.flushWebhooks();
    const changes = h.receiver.received.map((hook) => hook.body.entry[0].changes?.[0]);
    expect(changes.map((change) => change?.field)).toEqual(['marketing_message_echoes', 'marketing_message_deliveries']);
    expect(changes[1]?.value).toMatchObject({
      page_id: PAGE_ID,
      messenger_subscription_token: token,
      message_id: campaignId,
      marketing_message_tracking_id: sent.data.marketing_message_tracking_id,
      recipient_id: 'p1',
    });
  });

  it("lists the ad account's campaigns by name (filtering CONTAIN / EQUAL), newest first, deleted ones left out", async () => {
    const a = (await h.graph.createCampaign({ name: 'Sale [pm:aaa]' })).data.id as string;
    await h.sandbox.control.advanceClock(1000);
    const b = (await h.graph.createCampaign({ name: 'Other [pm:bbb]', daily_budget: 700 })).data.id as string;
    const gone = (await h.graph.createCampaign({ name: 'Gone [pm:aaa]' })).data.id as string;
    await h.graph.delete(`/${gone}`, SYSTEM_TOKEN);
    const list = (filtering: object[]) =>
      h.graph.get(`/act_${AD_ACCOUNT_ID}/campaigns`, SYSTEM_TOKEN, { fields: 'id,name,status', filtering: JSON.stringify(filtering) });

    const byTag = await list([{ field: 'name', operator: 'CONTAIN', value: 'pm:aaa' }]);
    expect(byTag.data).toEqual({ data: [expect.objectContaining({ id: a, name: 'Sale [pm:aaa]', status: 'ACTIVE' })] });
    const all = await list([]);
    expect((all.data.data as Array<{ id: string }>).map((c) => c.id)).toEqual([b, a]);
    expect((await list([{ field: 'name', operator: 'EQUAL', value: 'Other [pm:bbb]' }])).data).toEqual({
      data: [expect.objectContaining({ id: b, daily_budget: 700 })],
    });
    expect((await list([{ field: 'spend', operator: 'GREATER_THAN', value: 1 }])).data.error).toMatchObject({ code: 100 });
  });

  it('stalls the answer of a campaign write it has already done (stallCampaignWritesNext)', async () => {
    await h.sandbox.control.setFaults({ stallCampaignWritesNext: 1, stallMs: 300 });
    const started = Date.now();
    const created = await h.graph.createCampaign({ name: 'Late answer' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(created.status).toBe(200);
    // Only the next write: reads and the following create answer at once.
    const again = Date.now();
    await h.graph.createCampaign({ name: 'On time' });
    expect(Date.now() - again).toBeLessThan(250);
    expect((await h.sandbox.control.faults()).stallCampaignWritesNext).toBe(0);
  });
});
