import { createHmac } from 'node:crypto';
import { FakeGraphServer } from '../test/fake-graph-server';
import { APP_SECRET, PAGE_ID, PAGE_TOKEN, PSID, aClient, type TestClient } from '../test/test-client';

describe('Send API requests', () => {
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
  beforeEach(() => server.answer(() => ({ status: 200, body: { recipient_id: PSID, message_id: 'm_1' } })));

  const lastRequest = () => server.requests[server.requests.length - 1]!;

  it('posts a text to /{pageId}/messages signed with the Page token and its appsecret_proof', async () => {
    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hello');

    expect(result).toEqual({ ok: true, value: { recipientId: PSID, messageId: 'm_1' } });
    const req = lastRequest();
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/v23.0/${PAGE_ID}/messages`);
    expect(req.query.access_token).toBe(PAGE_TOKEN);
    expect(req.query.appsecret_proof).toBe(createHmac('sha256', APP_SECRET).update(PAGE_TOKEN).digest('hex'));
    expect(req.body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hello' } });
  });

  it('sends UPDATE and MESSAGE_TAG with its tag when asked', async () => {
    await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Your order shipped', { messagingType: 'UPDATE' });
    expect(lastRequest().body).toMatchObject({ messaging_type: 'UPDATE' });

    await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Agent here', { messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(lastRequest().body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  it('builds quick replies as text content', async () => {
    await t.client.sendQuickReplies(PAGE_TOKEN, PAGE_ID, PSID, 'Pick one', [
      { title: 'Yes', payload: 'YES', imageUrl: 'https://x.test/y.png' },
      { title: 'No', payload: 'NO' },
    ]);
    expect(lastRequest().body).toMatchObject({
      message: {
        text: 'Pick one',
        quick_replies: [
          { content_type: 'text', title: 'Yes', payload: 'YES', image_url: 'https://x.test/y.png' },
          { content_type: 'text', title: 'No', payload: 'NO' },
        ],
      },
    });
  });

  it('builds a button template with web_url and postback buttons', async () => {
    await t.client.sendButtonTemplate(PAGE_TOKEN, PAGE_ID, PSID, 'Your order', [
      { type: 'web_url', title: 'Track', url: 'https://shop.test/o/1', webviewHeightRatio: 'tall' },
      { type: 'postback', title: 'Help', payload: 'HELP' },
    ]);
    expect(lastRequest().body).toMatchObject({
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'button',
            text: 'Your order',
            buttons: [
              { type: 'web_url', title: 'Track', url: 'https://shop.test/o/1', webview_height_ratio: 'tall' },
              { type: 'postback', title: 'Help', payload: 'HELP' },
            ],
          },
        },
      },
    });
  });

  it('builds a generic template with elements, default action and buttons', async () => {
    await t.client.sendGenericTemplate(PAGE_TOKEN, PAGE_ID, PSID, [
      {
        title: 'Shoe',
        subtitle: '49 €',
        imageUrl: 'https://shop.test/shoe.png',
        defaultActionUrl: 'https://shop.test/shoe',
        buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_1' }],
      },
    ]);
    expect(lastRequest().body).toMatchObject({
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'generic',
            elements: [
              {
                title: 'Shoe',
                subtitle: '49 €',
                image_url: 'https://shop.test/shoe.png',
                default_action: { type: 'web_url', url: 'https://shop.test/shoe' },
                buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY_1' }],
              },
            ],
          },
        },
      },
    });
  });

  it('builds the opt-in request as a notification_messages template with every field named by Meta', async () => {
    await t.client.sendOptinRequest(PAGE_TOKEN, PAGE_ID, PSID, {
      title: 'Weekly deals',
      payload: 'topic:42',
      imageUrl: 'https://shop.test/deals.png',
      imageAspectRatio: 'SQUARE',
      ctaText: 'SIGN_UP',
      timezone: 'Europe/Berlin',
    });
    expect(lastRequest().body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'notification_messages',
            title: 'Weekly deals',
            payload: 'topic:42',
            image_url: 'https://shop.test/deals.png',
            image_aspect_ratio: 'SQUARE',
            notification_messages_cta_text: 'SIGN_UP',
            notification_messages_timezone: 'Europe/Berlin',
          },
        },
      },
    });
  });

  it('throws RangeError, without calling Meta, when a structural limit is exceeded', () => {
    const replies = Array.from({ length: 14 }, (_, i) => ({ title: `r${i}`, payload: `p${i}` }));
    const buttons = Array.from({ length: 4 }, (_, i) => ({ type: 'postback' as const, title: `b${i}`, payload: `p${i}` }));
    const elements = Array.from({ length: 11 }, (_, i) => ({ title: `e${i}` }));
    server.answer(() => ({ status: 200, body: {} }));

    expect(() => t.client.sendQuickReplies(PAGE_TOKEN, PAGE_ID, PSID, 'x', replies)).toThrow(RangeError);
    expect(() => t.client.sendButtonTemplate(PAGE_TOKEN, PAGE_ID, PSID, 'x', buttons)).toThrow(RangeError);
    expect(() => t.client.sendGenericTemplate(PAGE_TOKEN, PAGE_ID, PSID, elements)).toThrow(RangeError);
    expect(() => t.client.sendGenericTemplate(PAGE_TOKEN, PAGE_ID, PSID, [{ title: 'e', buttons }])).toThrow(RangeError);
    expect(() => t.client.sendOptinRequest(PAGE_TOKEN, PAGE_ID, PSID, { title: 'x'.repeat(66), payload: 'p' })).toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });

  it('reports a 2xx answer it cannot read as unknown rather than inventing ids', async () => {
    server.answer(() => ({ status: 200, body: { recipient_id: PSID } }));
    const result = await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hello');
    expect(result).toMatchObject({ ok: false, error: { kind: 'unknown', httpStatus: 200 } });
  });
});
