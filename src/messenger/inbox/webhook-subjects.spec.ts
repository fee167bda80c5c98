import { subjectProbe, webhookSubjects } from './webhook-subjects';

const body = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('webhookSubjects', () => {
  it('lists the PSIDs and the Page of a Messenger batch, once each', () => {
    const subjects = webhookSubjects(
      body({
        object: 'page',
        entry: [
          {
            id: '1001',
            time: 1,
            messaging: [{ sender: { id: '7001' }, recipient: { id: '1001' }, timestamp: 1, message: { mid: 'm.1' } }],
          },
          { id: '1001', time: 2, messaging: [{ sender: { id: '7002' }, recipient: { id: '1001' }, timestamp: 2, read: { watermark: 2 } }] },
          {
            id: '1001',
            time: 3,
            messaging: [{ sender: { id: '7001' }, recipient: { id: '1001' }, timestamp: 3, postback: { payload: 'x' } }],
          },
        ],
      }),
    );
    expect(subjects).toBe(',7001,1001,7002,');
    expect(subjects.includes(subjectProbe('7001'))).toBe(true);
    expect(subjects.includes(subjectProbe('700'))).toBe(false);
  });

  it('finds the customer of a standby item and of an Instagram message, whatever the spacing and key order', () => {
    const standby =
      '{"object":"page","entry":[{"id":"1001","standby":[{"recipient": {"id": "1001"}, "sender" : { "id" : "7003" },"timestamp":5}]}]}';
    expect(webhookSubjects(Buffer.from(standby))).toBe(',1001,7003,');
    const instagram = body({
      object: 'instagram',
      entry: [{ id: '1784', messaging: [{ sender: { id: '9001' }, recipient: { id: '1784' }, timestamp: 1, message: { mid: 'aWdf' } }] }],
    });
    expect(webhookSubjects(instagram)).toBe(',9001,1784,');
  });

  it('finds the PSID of a marketing message change, and skips a null recipient', () => {
    const change = (recipient: string | null) =>
      body({
        object: 'page',
        entry: [{ id: '1001', changes: [{ field: 'marketing_message_deliveries', value: { page_id: '1001', recipient_id: recipient } }] }],
      });
    expect(webhookSubjects(change('7004'))).toBe(',1001,7004,');
    expect(webhookSubjects(change(null))).toBe(',1001,');
  });

  it("is not fooled by a customer's text that spells the fields", () => {
    const subjects = webhookSubjects(
      body({
        object: 'page',
        entry: [
          {
            id: '1001',
            messaging: [{ sender: { id: '7005' }, recipient: { id: '1001' }, message: { mid: 'm', text: '"sender":{"id":"6666"}' } }],
          },
        ],
      }),
    );
    expect(subjects).toBe(',7005,1001,');
  });

  it('answers an empty list for a body without ids', () => {
    expect(webhookSubjects(Buffer.from('{"object":"page","entry":[]}'))).toBe(',');
    expect(webhookSubjects(Buffer.from('not json'))).toBe(',');
  });
});
