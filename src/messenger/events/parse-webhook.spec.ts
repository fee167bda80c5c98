import { webhookFixtures } from './fixtures';
import { fromPerson, PAGE_ID, pageDelivery, person, T_MS } from './fixtures/fixture';
import { MessengerEvents } from './messenger-events';
import { parseWebhook } from './parse-webhook';

describe('parseWebhook', () => {
  describe.each(Object.entries(webhookFixtures))('the documented shape %s', (_name, fixture) => {
    it('names the Meta reference it follows', () => {
      expect(fixture.reference).toMatch(/^https:\/\/developers\.facebook\.com\//);
    });

    it('makes exactly the expected events', () => {
      expect(parseWebhook(fixture.body)).toEqual(fixture.events);
    });
  });

  it('reads any spelling of STOP and RESUME (case, space, underscore) and nothing else', () => {
    const status = (value: string): unknown =>
      parseWebhook(
        pageDelivery([
          { ...fromPerson, timestamp: T_MS, optin: { type: 'notification_messages', payload: 'p', notification_messages_status: value } },
        ]),
      ).map((e) => (e.name === MessengerEvents.OptinStatusChanged ? e.payload.status : e.name));
    expect(['STOP_NOTIFICATIONS', 'STOP NOTIFICATIONS', 'stop notifications', 'Stop-Notifications'].map(status)).toEqual([
      ['stopped'],
      ['stopped'],
      ['stopped'],
      ['stopped'],
    ]);
    expect(['RESUME NOTIFICATIONS', 'resume_notifications'].map(status)).toEqual([['resumed'], ['resumed']]);
    // Today anything but STOP_NOTIFICATIONS was read as a RESUME: an unknown value (or an empty one) now changes nothing.
    expect(['NOTIFICATIONS_PAUSED', '', 'STOP'].map(status)).toEqual([
      [MessengerEvents.UnrecognisedValue],
      [MessengerEvents.UnrecognisedValue],
      [MessengerEvents.UnrecognisedValue],
    ]);
  });

  it('gives an event whose timestamp cannot be read the entry time, and reports the value', () => {
    const events = parseWebhook(pageDelivery([{ ...fromPerson, timestamp: 'yesterday', message: { mid: 'm_1', text: 'hi' } }]));
    expect(events).toEqual([
      { name: MessengerEvents.UnrecognisedValue, payload: { pageId: PAGE_ID, field: 'timestamp', value: 'yesterday' } },
      { name: MessengerEvents.MessageReceived, payload: { ...person, at: new Date(T_MS + 500), mid: 'm_1', text: 'hi' } },
    ]);
  });

  it('never makes an Invalid Date, whatever the time fields hold', () => {
    const garbage = ['soon', '', {}, [], -1, 0, 1e20, '12abc'];
    const dates = garbage.flatMap((value) =>
      parseWebhook({
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: value,
            messaging: [
              { ...fromPerson, timestamp: value, read: { watermark: value } },
              {
                ...fromPerson,
                timestamp: T_MS,
                optin: { type: 'notification_messages', payload: 'p', notification_messages_token: 't', token_expiry_timestamp: value },
              },
            ],
            changes: [{ field: 'marketing_message_reads', value: { page_id: PAGE_ID, timestamp: value } }],
          },
        ],
      }).flatMap((event) => Object.values(event.payload).filter((v): v is Date => v instanceof Date)),
    );
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.every((d) => !Number.isNaN(d.getTime()))).toBe(true);
  });

  it('skips what it cannot read instead of failing the whole delivery', () => {
    expect(parseWebhook({ object: 'page', entry: [{ id: PAGE_ID, messaging: [{ sender: {} }, null, 3], changes: [null] }, null] })).toEqual(
      [],
    );
    expect(parseWebhook({})).toEqual([]);
    expect(parseWebhook(null)).toEqual([]);
    expect(parseWebhook('{"object":"page"}')).toEqual([]);
  });
});
