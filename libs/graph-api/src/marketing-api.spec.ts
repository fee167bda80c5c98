import { createHmac } from 'node:crypto';
import { FakeGraphServer } from '../test/fake-graph-server';
import { APP_SECRET, PAGE_ID, SYSTEM_TOKEN, aClient, type TestClient } from '../test/test-client';
import { buildGenericTemplateMessage, buildTextMessage } from './message-builders';

describe('Marketing Message API requests', () => {
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

  const lastRequest = () => server.requests[server.requests.length - 1]!;

  it('creates a campaign under act_{id} with unix-second times, accepting the id with or without act_', async () => {
    server.answer(() => ({ status: 200, body: { id: '120000001' } }));
    const input = {
      name: 'Black Friday',
      pageId: PAGE_ID,
      dailyBudget: 5000,
      startTime: new Date('2026-11-27T08:00:00Z'),
      endTime: new Date('2026-11-30T08:00:00Z'),
      pixelId: '990001',
    };

    const result = await t.client.createMessageCampaign(SYSTEM_TOKEN, '777', input);
    await t.client.createMessageCampaign(SYSTEM_TOKEN, 'act_777', input);

    expect(result).toEqual({ ok: true, value: { id: '120000001' } });
    expect(server.requests.map((r) => r.path)).toEqual(['/v23.0/act_777/message_campaign', '/v23.0/act_777/message_campaign']);
    expect(lastRequest().body).toEqual({
      name: 'Black Friday',
      page_id: PAGE_ID,
      daily_budget: 5000,
      start_time: 1795766400,
      end_time: 1796025600,
      pixel_id: '990001',
    });
    expect(lastRequest().query.appsecret_proof).toBe(createHmac('sha256', APP_SECRET).update(SYSTEM_TOKEN).digest('hex'));
  });

  it('refuses both budgets at once as a programmer error', () => {
    expect(() =>
      t.client.createMessageCampaign(SYSTEM_TOKEN, '777', { name: 'x', pageId: PAGE_ID, dailyBudget: 1, lifetimeBudget: 2 }),
    ).toThrow(RangeError);
  });

  it('updates and deletes a campaign at /{campaignId}', async () => {
    server.answer(() => ({ status: 200, body: { success: true } }));

    const updated = await t.client.updateMessageCampaign(SYSTEM_TOKEN, '120000001', {
      status: 'PAUSED',
      endTime: new Date('2026-12-01T00:00:00Z'),
    });
    expect(updated).toEqual({ ok: true, value: { success: true } });
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: '/v23.0/120000001',
      body: { status: 'PAUSED', end_time: 1796083200 },
    });

    const deleted = await t.client.deleteMessageCampaign(SYSTEM_TOKEN, '120000001');
    expect(deleted).toEqual({ ok: true, value: { success: true } });
    expect(lastRequest()).toMatchObject({ method: 'DELETE', path: '/v23.0/120000001' });
  });

  it('reads the delivery estimate ranges', async () => {
    server.answer(() => ({
      status: 200,
      body: {
        data: [
          {
            estimate_delivery_lower_bound: 800,
            estimate_delivery_upper_bound: '950',
            estimate_cost_lower_bound: 1200,
            estimate_cost_upper_bound: 1500,
            estimate_status: 'SUCCESS',
          },
        ],
      },
    }));

    const result = await t.client.getDeliveryEstimate(SYSTEM_TOKEN, 'act_777', {
      pageId: PAGE_ID,
      lifetimeBudget: 50_000,
      lifetimeInDays: 3,
    });

    expect(result).toEqual({
      ok: true,
      value: { deliveryLowerBound: 800, deliveryUpperBound: 950, costLowerBound: 1200, costUpperBound: 1500, status: 'SUCCESS' },
    });
    expect(lastRequest()).toMatchObject({
      method: 'GET',
      path: '/v23.0/act_777/message_delivery_estimate',
      query: {
        promoted_object: JSON.stringify({ page_id: PAGE_ID }),
        is_direct_send_campaign: 'true',
        lifetime_budget: '50000',
        lifetime_in_days: '3',
        fields:
          'estimate_delivery_lower_bound,estimate_delivery_upper_bound,estimate_cost_lower_bound,estimate_cost_upper_bound,estimate_status',
      },
    });
    // Neither is a parameter of Meta's estimate: sending them made every estimate an error.
    expect(lastRequest().query).not.toHaveProperty('page_id');
    expect(lastRequest().query).not.toHaveProperty('audience_size');
  });

  it('refuses to ask an estimate for both budgets at once', () => {
    expect(() => t.client.getDeliveryEstimate(SYSTEM_TOKEN, '777', { pageId: PAGE_ID, dailyBudget: 1, lifetimeBudget: 2 })).toThrow(
      RangeError,
    );
  });

  it('sends a marketing message with message_id, the subscription token and the message, returning the tracking id', async () => {
    server.answer(() => ({ status: 200, body: { success: true, marketing_message_tracking_id: 'b7c1-uuid' } }));
    const message = buildGenericTemplateMessage([
      { title: 'Hi {{first_name}}', buttons: [{ type: 'web_url', title: 'Shop', url: 'https://shop.test' }] },
    ]);

    const result = await t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
      messageCampaignId: '120000001',
      subscriptionToken: 'sub-token-abc',
      message,
    });

    expect(result).toEqual({ ok: true, value: { trackingId: 'b7c1-uuid' } });
    expect(lastRequest()).toMatchObject({
      method: 'POST',
      path: '/v23.0/act_777/messages',
      body: { message_id: '120000001', messenger_delivery_data: { subscription_token: 'sub-token-abc' }, message },
    });
  });

  it('puts min_conversation_gap_seconds on the send, where Meta reads it, not on the campaign', async () => {
    server.answer(() => ({ status: 200, body: { success: true, marketing_message_tracking_id: 'b7c1-uuid' } }));
    await t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
      messageCampaignId: '120000001',
      subscriptionToken: 'sub-token-abc',
      message: buildTextMessage('Hi'),
      minConversationGapSeconds: 7200,
    });
    expect(lastRequest().body).toMatchObject({ message_id: '120000001', min_conversation_gap_seconds: 7200 });
  });

  it('refuses a marketing text over 640 characters', () => {
    expect(() =>
      t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
        messageCampaignId: '1',
        subscriptionToken: 's',
        message: buildTextMessage('x'.repeat(641)),
      }),
    ).toThrow(RangeError);
  });

  it('reads insights, whose numbers Meta sends as strings, and asks for exactly the fields it maps', async () => {
    server.answer(() => ({
      status: 200,
      body: {
        data: [
          {
            marketing_messages_delivered: '2755',
            marketing_messages_read_rate: '61.2',
            marketing_messages_link_btn_click: '268',
            marketing_messages_spend: '31.40',
            marketing_messages_cost_per_delivered: '0.0114',
            date_start: '2026-11-01',
            date_stop: '2026-11-24',
          },
        ],
      },
    }));

    const result = await t.client.getCampaignInsights(SYSTEM_TOKEN, '120000001');

    expect(result).toEqual({
      ok: true,
      value: { delivered: 2755, readRate: 61.2, clicks: 268, spend: 31.4, costPerDelivered: 0.0114 },
    });
    expect(lastRequest().path).toBe('/v23.0/120000001/insights');
    expect(lastRequest().query.fields?.split(',')).toEqual([
      'marketing_messages_delivered',
      'marketing_messages_read_rate',
      'marketing_messages_link_btn_click',
      'marketing_messages_spend',
      'marketing_messages_cost_per_delivered',
    ]);
  });

  it('reads empty insights as zeros', async () => {
    server.answer(() => ({ status: 200, body: { data: [] } }));
    const result = await t.client.getCampaignInsights(SYSTEM_TOKEN, '120000001', { datePreset: 'last_7d' });
    expect(result).toEqual({ ok: true, value: { delivered: 0, readRate: 0, clicks: 0, spend: 0, costPerDelivered: 0 } });
    expect(lastRequest().query.date_preset).toBe('last_7d');
  });
});
