import { appsecretProof } from '../src';
import axios from 'axios';
import {
  APP_SECRET,
  DAY,
  HOUR,
  IG_PAGE_ID,
  IG_PAGE_TOKEN,
  PAGE_ID,
  PAGE_TOKEN,
  resetWorld,
  startHarness,
  stopHarness,
  type Harness,
} from './sandbox-fixture';

describe('Send API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));
  beforeEach(() => resetWorld(h));

  describe('auth', () => {
    it('refuses a missing token with 190', async () => {
      const { status, data } = await axios.post(`${h.sandbox.graphUrl}/me/messages`, {}, { validateStatus: () => true });
      expect(status).toBe(400);
      expect(data.error).toMatchObject({ type: 'OAuthException', code: 190 });
      expect(typeof data.error.fbtrace_id).toBe('string');
    });

    it('refuses an unknown token with 190', async () => {
      const answer = await h.graph.post('/me/messages', 'nope', {});
      expect(answer.data.error?.code).toBe(190);
    });

    it('refuses a wrong appsecret_proof with 100', async () => {
      const { status, data } = await axios.post(
        `${h.sandbox.graphUrl}/me/messages`,
        {},
        {
          params: { access_token: PAGE_TOKEN, appsecret_proof: appsecretProof(PAGE_TOKEN, 'other secret') },
          validateStatus: () => true,
        },
      );
      expect(status).toBe(400);
      expect(data.error).toMatchObject({ code: 100, message: 'Invalid appsecret_proof provided in the API argument' });
    });

    it('accepts the token as a Bearer header and answers any version prefix', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      const { status, data } = await axios.post(
        `${h.sandbox.url}/v19.0/${PAGE_ID}/messages`,
        { recipient: { id: 'p1' }, messaging_type: 'RESPONSE', message: { text: 'hi' } },
        {
          params: { appsecret_proof: appsecretProof(PAGE_TOKEN, APP_SECRET) },
          headers: { Authorization: `Bearer ${PAGE_TOKEN}` },
          validateStatus: () => true,
        },
      );
      expect(status).toBe(200);
      expect(data).toMatchObject({ recipient_id: 'p1', message_id: expect.stringMatching(/^m_/) });
    });

    it("refuses another Page's id with this Page's token", async () => {
      const answer = await h.graph.post(`/${IG_PAGE_ID}/messages`, PAGE_TOKEN, {});
      expect(answer.data.error).toMatchObject({ code: 100, error_subcode: 33 });
    });
  });

  describe('24-hour window', () => {
    it('refuses a stranger with 100/2018001', async () => {
      const answer = await h.graph.text('stranger');
      expect(answer.data.error).toMatchObject({ code: 100, error_subcode: 2018001 });
    });

    it('refuses before a person message, allows after it, refuses again 24 h later', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.sandbox.control.advanceClock(DAY);
      expect((await h.graph.text('p1')).data.error).toMatchObject({ code: 10, error_subcode: 2018278 });

      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      const allowed = await h.graph.text('p1');
      expect(allowed.status).toBe(200);

      await h.sandbox.control.advanceClock(DAY);
      expect((await h.graph.text('p1')).data.error).toMatchObject({ code: 10, error_subcode: 2018278 });
    });

    it('does not open the window on an opt-in tap', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.graph.optinRequest('p1');
      await h.sandbox.control.advanceClock(DAY);
      await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1' });
      await h.sandbox.control.advanceClock(2 * 60_000);
      expect((await h.graph.text('p1')).data.error?.error_subcode).toBe(2018278);
      expect((await h.graph.optinRequest('p1', { title: 'Other' })).data.error?.error_subcode).toBe(2018278);
    });

    it('allows 3 follow-up messages within 2 minutes of an opt-in tap, not a 4th', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.graph.optinRequest('p1');
      await h.sandbox.control.advanceClock(DAY + HOUR);
      await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1' });
      for (let i = 0; i < 3; i++) expect((await h.graph.text('p1', `thanks ${i}`)).status).toBe(200);
      expect((await h.graph.text('p1')).data.error?.error_subcode).toBe(2018278);
    });

    it('refuses deprecated tags with 100 and allows HUMAN_AGENT for 7 days', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.sandbox.control.advanceClock(3 * DAY);
      const tagged = (tag: string) => h.graph.text('p1', 'update', { messaging_type: 'MESSAGE_TAG', tag });
      expect((await tagged('POST_PURCHASE_UPDATE')).data.error).toMatchObject({ code: 100 });
      expect((await tagged('ACCOUNT_UPDATE')).data.error).toMatchObject({ code: 100 });
      expect((await tagged('CONFIRMED_EVENT_UPDATE')).data.error).toMatchObject({ code: 100 });
      expect((await tagged('HUMAN_AGENT')).status).toBe(200);
      await h.sandbox.control.advanceClock(4 * DAY);
      expect((await tagged('HUMAN_AGENT')).data.error?.error_subcode).toBe(2018278);
    });

    it('refuses a person who blocked the Page with 551/1545041', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.sandbox.control.personBlock({ pageId: PAGE_ID, psid: 'p1' });
      const answer = await h.graph.text('p1');
      expect(answer.data.error).toMatchObject({
        code: 551,
        error_subcode: 1545041,
        message: expect.stringContaining("This person isn't available right now"),
      });
    });
  });

  describe('opt-in requests', () => {
    it('stores what the person received', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await h.graph.text('p1', 'hello');
      await h.graph.optinRequest('p1', { title: 'Deals' });
      const received = await h.sandbox.control.received(PAGE_ID, 'p1');
      expect(received.map((item) => item.type)).toEqual(['text', 'notification_messages']);
      expect(received[1]).toMatchObject({ source: 'send_api', time: expect.any(Number) });
    });

    it('refuses a title over 65 characters and a missing payload with 100', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      expect((await h.graph.optinRequest('p1', { title: 'x'.repeat(66) })).data.error?.code).toBe(100);
      expect((await h.graph.optinRequest('p1', { payload: undefined })).data.error?.code).toBe(100);
    });

    it('refuses a restricted Page with 10/1404170', async () => {
      await h.sandbox.control.registerPage({ id: PAGE_ID, platform: 'facebook', accessToken: PAGE_TOKEN, restricted: true });
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      expect((await h.graph.optinRequest('p1')).data.error).toMatchObject({ code: 10, error_subcode: 1404170 });
    });

    it('refuses the same title within 7 days with 613/1893016, then allows it', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      expect((await h.graph.optinRequest('p1')).status).toBe(200);
      expect((await h.graph.optinRequest('p1')).data.error).toMatchObject({ code: 613, error_subcode: 1893016 });
      expect((await h.graph.optinRequest('p1', { title: 'Other topic' })).status).toBe(200);

      await h.sandbox.control.advanceClock(7 * DAY);
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      expect((await h.graph.optinRequest('p1')).status).toBe(200);
    });

    it('on Instagram refuses the 6th request in a day with 9/2018352', async () => {
      await h.sandbox.control.personMessage({ pageId: IG_PAGE_ID, psid: 'ig1' });
      for (let i = 1; i <= 5; i++) expect((await h.graph.optinRequest('ig1', { title: `T${i}` }, IG_PAGE_TOKEN)).status).toBe(200);
      expect((await h.graph.optinRequest('ig1', { title: 'T6' }, IG_PAGE_TOKEN)).data.error).toMatchObject({
        code: 9,
        error_subcode: 2018352,
      });
      // Same title with another image is a different request on Instagram, but still counts towards the day.
      expect(
        (await h.graph.optinRequest('ig1', { title: 'T1', image_url: 'https://x/y.png' }, IG_PAGE_TOKEN)).data.error?.error_subcode,
      ).toBe(2018352);
    });

    it('on Instagram refuses the 11th distinct title in 7 days with 9/2018352', async () => {
      const day = async (titles: string[]) => {
        await h.sandbox.control.personMessage({ pageId: IG_PAGE_ID, psid: 'ig1' });
        for (const title of titles) expect((await h.graph.optinRequest('ig1', { title }, IG_PAGE_TOKEN)).status).toBe(200);
        await h.sandbox.control.advanceClock(DAY);
      };
      await day(['A', 'B', 'C', 'D', 'E']);
      await day(['F', 'G', 'H', 'I', 'J']);
      await h.sandbox.control.personMessage({ pageId: IG_PAGE_ID, psid: 'ig1' });
      expect((await h.graph.optinRequest('ig1', { title: 'K' }, IG_PAGE_TOKEN)).data.error).toMatchObject({
        code: 9,
        error_subcode: 2018352,
      });
      // An already used title with another image is not a new title.
      expect((await h.graph.optinRequest('ig1', { title: 'A', image_url: 'https://x/other.png' }, IG_PAGE_TOKEN)).status).toBe(200);
      await h.sandbox.control.advanceClock(5 * DAY);
      await h.sandbox.control.personMessage({ pageId: IG_PAGE_ID, psid: 'ig1' });
      expect((await h.graph.optinRequest('ig1', { title: 'K' }, IG_PAGE_TOKEN)).status).toBe(200);
    });

    it('lets the person tap an opt-in: token, title and payload come back; 409 without a request', async () => {
      await h.sandbox.control.personMessage({ pageId: PAGE_ID, psid: 'p1' });
      await expect(h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1' })).rejects.toMatchObject({ status: 409 });
      await h.graph.optinRequest('p1', { title: 'Deals', payload: 'topic-7' });
      const tap = await h.sandbox.control.personOptin({ pageId: PAGE_ID, psid: 'p1' });
      expect(tap).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/), title: 'Deals', payload: 'topic-7' });
    });
  });
});
