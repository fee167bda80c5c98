import { MessengerEvents } from './messenger-events';
import { parseWebhook } from './parse-webhook';

const PAGE = '104857361234567';
const PSID = '7100000000001';
const at = 1_780_000_000_000;
const messaging = (item: Record<string, unknown>, object = 'page') => ({
  object,
  entry: [{ id: PAGE, time: at, messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: at, ...item }] }],
});

describe('parseWebhook', () => {
  it('turns a customer message into MessageReceived, with the quick reply payload', () => {
    const [event] = parseWebhook(messaging({ message: { mid: 'm_1', text: 'M size?', quick_reply: { payload: 'SIZE_M' } } }));
    expect(event).toEqual({
      name: MessengerEvents.MessageReceived,
      payload: {
        pageId: PAGE,
        psid: PSID,
        platform: 'facebook',
        at: new Date(at),
        mid: 'm_1',
        text: 'M size?',
        quickReplyPayload: 'SIZE_M',
      },
    });
  });

  it("ignores the Page's own echoes", () => {
    expect(parseWebhook(messaging({ message: { mid: 'm_2', text: 'thanks', is_echo: true } }))).toEqual([]);
  });

  it('reads postbacks, referrals, reads and deliveries, and Instagram as the platform', () => {
    const names = [
      parseWebhook(messaging({ postback: { payload: 'GET_STARTED', title: 'Get started' } }, 'instagram'))[0],
      parseWebhook(messaging({ referral: { ref: 'summer-ad', source: 'ADS' } }))[0],
      parseWebhook(messaging({ read: { watermark: at } }))[0],
      parseWebhook(messaging({ delivery: { watermark: at, mids: ['m_1'] } }))[0],
    ];
    expect(names.map((e) => e?.name)).toEqual([
      MessengerEvents.Postback,
      MessengerEvents.Referral,
      MessengerEvents.Read,
      MessengerEvents.Delivery,
    ]);
    expect(names[0]!.payload).toMatchObject({ platform: 'instagram', payload: 'GET_STARTED' });
  });

  it('turns an opt-in into Optin with its token, timezone and expiry', () => {
    const [event] = parseWebhook(
      messaging({
        optin: {
          type: 'notification_messages',
          payload: 'mm:summer',
          title: 'Summer arrivals',
          notification_messages_token: 'tok-1',
          notification_messages_timezone: 'Asia/Manila',
          token_expiry_timestamp: at + 1000,
          user_token_status: 'NOT_REFRESHED',
        },
      }),
    );
    expect(event).toEqual({
      name: MessengerEvents.Optin,
      payload: expect.objectContaining({
        payload: 'mm:summer',
        token: 'tok-1',
        timezone: 'Asia/Manila',
        tokenExpiresAt: new Date(at + 1000),
        title: 'Summer arrivals',
      }),
    });
  });

  it('turns STOP and RESUME into OptinStatusChanged', () => {
    const stop = parseWebhook(
      messaging({
        optin: {
          type: 'notification_messages',
          payload: 'p',
          notification_messages_token: 't',
          notification_messages_status: 'STOP_NOTIFICATIONS',
        },
      }),
    );
    const resume = parseWebhook(
      messaging({
        optin: {
          type: 'notification_messages',
          payload: 'p',
          notification_messages_token: 't',
          notification_messages_status: 'RESUME_NOTIFICATIONS',
        },
      }),
    );
    expect([stop[0]!.payload, resume[0]!.payload]).toEqual([
      expect.objectContaining({ status: 'stopped', token: 't' }),
      expect.objectContaining({ status: 'resumed' }),
    ]);
  });

  it('reads every marketing-message field, in seconds or milliseconds', () => {
    const fields = [
      'marketing_message_echoes',
      'marketing_message_deliveries',
      'marketing_message_reads',
      'marketing_message_clicks',
      'marketing_message_delivery_failed',
    ];
    const body = {
      object: 'page',
      entry: [
        {
          id: PAGE,
          time: at,
          changes: fields.map((field) => ({
            field,
            value: {
              page_id: PAGE,
              timestamp: at / 1000,
              messenger_subscription_token: 'tok',
              message_id: 'camp-1',
              marketing_message_tracking_id: 'trk',
              recipient_id: null,
              error_message: 'failed',
            },
          })),
        },
      ],
    };
    const events = parseWebhook(body);
    expect(events.map((e) => (e.payload as { kind: string }).kind)).toEqual(['echo', 'delivery', 'read', 'click', 'delivery_failed']);
    expect(events[0]!.payload).toMatchObject({
      at: new Date(at),
      messageCampaignId: 'camp-1',
      trackingId: 'trk',
      subscriptionToken: 'tok',
      psid: null,
    });
  });

  it('skips what it cannot read instead of failing the whole delivery', () => {
    expect(
      parseWebhook({
        object: 'page',
        entry: [{ id: PAGE, messaging: [{ sender: {}, timestamp: 'x' }], changes: [{ field: 'feed', value: {} }] }],
      }),
    ).toEqual([]);
    expect(parseWebhook({})).toEqual([]);
  });
});
