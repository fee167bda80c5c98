import { type DataSource } from 'typeorm';
import { GraphApiClient } from '../../libs/graph-api/src';
import { TokenCipher } from '../../src/common/token-cipher';
import { BroadcastScheduler } from '../../src/broadcasts/broadcast-scheduler';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { DeliveryClaimer, LEASE_MS } from '../../src/broadcasts/delivery-claimer';
import { aCustomerWhoWrote, aShop, type TestShop } from '../helpers/builders';
import {
  aBroadcastPage,
  aTopic,
  deliveryRows,
  replayMarketingEcho,
  sandboxSendsOf,
  setSubscriptionStatus,
  setSubscriptionTimezone,
  subscribersOf,
  type TestTopic,
} from '../helpers/broadcast-builders';
import type { PageInput } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, TEST_APP_SECRET, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe.each(testDatabases())('Broadcasts on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background loops: each test runs the scheduler tick and worker passes itself after moving the clock.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const worker = (): BroadcastWorker => t.app.get(BroadcastWorker);
  const api = (shop: TestShop) => ({
    post: (path: string, body: object = {}) => t.http().post(path).set(shop.auth).send(body),
    get: (path: string) => t.http().get(path).set(shop.auth),
    put: (path: string, body: object) => t.http().put(path).set(shop.auth).send(body),
    patch: (path: string, body: object) => t.http().patch(path).set(shop.auth).send(body),
  });

  interface Setup {
    shop: TestShop;
    page: PageInput;
    topic: TestTopic;
  }
  const aSetup = async (): Promise<Setup> => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    return { shop, page, topic };
  };

  /** Creates and schedules a campaign `startInMs` from now; returns its id and Meta campaign id. */
  const aScheduledCampaign = async (
    s: Setup,
    startInMs = 2 * HOUR,
    extra: object = {},
  ): Promise<{ id: string; metaCampaignId: string }> => {
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Payday sale',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Hi {{first_name}}, 20% off today!' },
      ...extra,
    });
    expect(created.status).toBe(201);
    const at = new Date(t.clock.now().getTime() + startInMs).toISOString();
    const scheduled = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`, { at });
    expect(scheduled.status).toBe(200);
    return { id: created.body.id as string, metaCampaignId: scheduled.body.metaCampaignId as string };
  };

  /** Moves both clocks to the start, ticks and drains. */
  const startAndRun = async (startInMs = 2 * HOUR): Promise<void> => {
    await t.advance(startInMs);
    await worker().tick();
    await worker().runPass();
  };

  const advanceTo = async (at: number): Promise<void> => {
    const delta = at - t.clock.now().getTime();
    if (delta > 0) await t.advance(delta);
  };

  it("shows Meta's delivery and cost estimate beside ours, for the campaign's budget, through the estimate endpoint", async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 10);
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Payday sale',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Hi {{first_name}}, 20% off today!' },
      budget: { type: 'lifetime', amount: 600 },
    });
    expect(created.status).toBe(201);

    const estimate = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${created.body.id}/estimate`);
    expect(estimate.status).toBe(200);
    expect(estimate.body).toMatchObject({
      audience: 10,
      ours: { pricePerMessage: 100, cost: 1000 },
      // The budget buys 6 messages at the ad account's price: Meta's figure, not an error.
      meta: { deliveryLowerBound: 5, deliveryUpperBound: 6, costLowerBound: 500, costUpperBound: 600, status: 'READY' },
    });
    expect(estimate.body.meta).not.toHaveProperty('error');
  });

  it('starts a campaign on time by the sandbox clock, reaches every active subscriber once, and skips those who stopped or were unsubscribed with the reason', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 10);
    await setSubscriptionStatus(t, subs[0]!.subscriptionId, 'stopped'); // before the start: not in the audience
    const { id, metaCampaignId } = await aScheduledCampaign(s, 2 * HOUR);

    const shown = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}`);
    expect(shown.body).toMatchObject({
      status: 'scheduled',
      // Ours counts the topic's active subscribers; Meta counts the Page's tokens (the local stop is ours alone).
      estimate: { audience: 9, ours: { pricePerMessage: 100, cost: 900 }, meta: { deliveryUpperBound: 10, costUpperBound: 1000 } },
      cost: { spent: 0, sent: 0 },
    });

    await t.advance(2 * HOUR - MINUTE);
    expect(await worker().tick()).toEqual([]);
    await worker().runPass();
    expect((await t.meta.stats()).marketingSends).toBe(0);

    await t.advance(MINUTE);
    expect(await worker().tick()).toEqual([id]);
    expect(await worker().tick()).toEqual([]);
    await t.app.get(BroadcastScheduler).fanOut(id);
    // While it runs: one stops (our records know), one is unsubscribed by the shop, one stopped at Meta only (2300034).
    await setSubscriptionStatus(t, subs[1]!.subscriptionId, 'stopped');
    await setSubscriptionStatus(t, subs[2]!.subscriptionId, 'unsubscribed');
    expect((await t.app.get(GraphApiClient).unsubscribe(s.page.accessToken, s.page.id, [{ subscriptionToken: subs[3]!.token }])).ok).toBe(
      true,
    );
    await worker().runPass();

    const sends = await sandboxSendsOf(t, metaCampaignId);
    expect(sends.map((x) => x.token).sort()).toEqual(
      subs
        .slice(4)
        .map((x) => x.token)
        .sort(),
    );
    expect((await t.meta.stats()).duplicateMarketingSends).toBe(0);

    const rows = await deliveryRows(t, id);
    const bySub = new Map(rows.map((r) => [r.subscription_id, r]));
    expect(rows).toHaveLength(9);
    expect(bySub.get(subs[1]!.subscriptionId)).toMatchObject({ status: 'skipped', reason: 'subscription_stopped' });
    expect(bySub.get(subs[2]!.subscriptionId)).toMatchObject({ status: 'skipped', reason: 'subscription_unsubscribed' });
    expect(bySub.get(subs[3]!.subscriptionId)).toMatchObject({ status: 'skipped', reason: 'subscriber_stopped' });
    const [marked] = await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT status FROM subscriptions WHERE id = ?', [subs[3]!.subscriptionId]);
    expect(marked.status).toBe('stopped');
    for (const sub of subs.slice(4)) expect(bySub.get(sub.subscriptionId)?.tracking_id).toEqual(expect.any(String));

    const progress = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`);
    expect(progress.body).toMatchObject({
      status: 'completed',
      audience: 9,
      sent: 6,
      pending: 0,
      uncertain: 0,
      skipped: 3,
      skippedByReason: { subscription_stopped: 1, subscription_unsubscribed: 1, subscriber_stopped: 1 },
      cost: { spent: 600 },
      secondsLeft: 0,
    });
    const insights = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/insights`);
    expect(insights.body).toMatchObject({ meta: { delivered: 6 }, ours: { sent: 6 } });
  });

  it('counts one message per person per day, even when they subscribed to two topics', async () => {
    const s = await aSetup();
    const other = await aTopic(t, s.shop, s.page.id);
    await advanceTo(Math.floor(t.clock.now().getTime() / DAY + 1) * DAY + HOUR); // 01:00 UTC of a new day
    const psid = await aCustomerWhoWrote(t, s.page.id);
    for (const topic of [s.topic, other]) {
      expect((await api(s.shop).post(`/api/pages/${s.page.id}/optin-requests`, { psid, topicId: topic.id })).status).toBe(201);
      await t.meta.personOptin({ pageId: s.page.id, psid });
      await t.settle();
    }
    const first = await aScheduledCampaign(s, HOUR);
    const second = await aScheduledCampaign({ ...s, topic: other }, 2 * HOUR);
    await startAndRun(HOUR);
    await startAndRun(HOUR);

    expect(await sandboxSendsOf(t, first.metaCampaignId)).toHaveLength(1);
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(0);
    expect((await deliveryRows(t, second.id)).map((r) => [r.status, r.reason])).toEqual([['pending', 'already_messaged']]);
  });

  it('stops at its budget, says why, and refuses to resume until the budget is raised', async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 6);
    const { id, metaCampaignId } = await aScheduledCampaign(s, 2 * HOUR, { budget: { type: 'lifetime', amount: 300 } });
    await startAndRun();
    await worker().runPass();

    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(3);
    const progress = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`);
    expect(progress.body).toMatchObject({
      status: 'paused',
      pause: { reason: 'budget_reached' },
      sent: 3,
      pending: 3,
      cost: { spent: 300, budget: 300 },
    });

    const refused = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/resume`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('budget_reached');
    // 300 centavos, written for the shop's locale (en-PH by default).
    expect(refused.body.message).toContain('spent ₱3.00 of its ₱3.00 budget');

    expect((await api(s.shop).patch(`/api/pages/${s.page.id}/campaigns/${id}`, { budget: { type: 'lifetime', amount: 600 } })).status).toBe(
      200,
    );
    expect((await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/resume`)).status).toBe(200);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(6);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}`)).body).toMatchObject({
      status: 'completed',
      cost: { spent: 600, sent: 6 },
    });
  });

  it('sends a second campaign on the same local day nothing for those already messaged, and sends it from the next Manila midnight', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 4);
    await advanceTo(Math.floor(t.clock.now().getTime() / DAY + 1) * DAY + HOUR); // 01:00 UTC of a new day
    const first = await aScheduledCampaign(s, HOUR);
    const second = await aScheduledCampaign(s, 2 * HOUR);
    await startAndRun(HOUR);
    expect(await sandboxSendsOf(t, first.metaCampaignId)).toHaveLength(4);

    await startAndRun(HOUR);
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(0);
    const deferred = await deliveryRows(t, second.id);
    expect(deferred.map((r) => [r.status, r.reason])).toEqual(subs.map(() => ['pending', 'already_messaged']));
    const [{ n }] = await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query('SELECT COUNT(*) AS n FROM daily_sends WHERE campaign_id = ?', [second.id]);
    expect(Number(n)).toBe(0);

    // The subscribers are in Manila (UTC+8): their next day begins at 16:00 UTC.
    await advanceTo(Math.floor(t.clock.now().getTime() / DAY) * DAY + 16 * HOUR - MINUTE);
    await worker().runPass();
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(0);
    await t.advance(MINUTE);
    await worker().runPass();
    expect((await sandboxSendsOf(t, second.metaCampaignId)).map((x) => x.token).sort()).toEqual(subs.map((x) => x.token).sort());
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 4,
    });
  });

  it("counts each subscriber's own local day: Manila messaged at 23:41 UTC gets nothing from a campaign at 00:10 UTC until Manila's midnight; Los Angeles (same local day) until Meta's 12 hours; an unknown zone takes the Page's", async () => {
    const s = await aSetup();
    // The shop's Page is in Vietnam: subscribers whose opt-in reported no zone, or one we do not know, live by its day.
    const badZone = await api(s.shop).patch(`/api/pages/${s.page.id}`, { timezone: 'Mars/Olympus' });
    expect(badZone.status).toBe(400);
    expect(badZone.body.fields.map((f: { field: string }) => f.field)).toEqual(['timezone']);
    expect((await api(s.shop).patch(`/api/pages/${s.page.id}`, { timezone: 'Asia/Ho_Chi_Minh' })).body).toMatchObject({
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const [manila, losAngeles, unknown] = await subscribersOf(t, s.page.id, s.topic, 3, { timezone: 'Asia/Manila' });
    await setSubscriptionTimezone(t, losAngeles!.subscriptionId, 'America/Los_Angeles');
    await setSubscriptionTimezone(t, unknown!.subscriptionId, 'Mars/Olympus');

    let firstAt = Math.floor(t.clock.now().getTime() / DAY) * DAY + 23 * HOUR + 41 * MINUTE;
    if (firstAt < t.clock.now().getTime() + 2 * HOUR) firstAt += DAY;
    const secondAt = firstAt + 29 * MINUTE; // 00:10 UTC: a new UTC day
    const first = await aScheduledCampaign(s, firstAt - t.clock.now().getTime());
    const second = await aScheduledCampaign(s, secondAt - t.clock.now().getTime());
    const skipping = await aScheduledCampaign(s, secondAt - t.clock.now().getTime(), { onAlreadyMessaged: 'skip' });

    await advanceTo(firstAt); // 07:41 in Manila, 16:41 (PDT) in Los Angeles, 06:41 in Ho Chi Minh City
    await worker().tick();
    await worker().runPass();
    expect(await sandboxSendsOf(t, first.metaCampaignId)).toHaveLength(3);

    await advanceTo(secondAt); // 08:10 in Manila, 17:10 in Los Angeles, 07:10 in Ho Chi Minh City: the same local days
    await worker().tick();
    await worker().runPass();
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toEqual([]);
    expect(await sandboxSendsOf(t, skipping.metaCampaignId)).toEqual([]);

    const nextManilaDay = Math.floor(secondAt / DAY) * DAY + 16 * HOUR;
    const nextSaigonDay = Math.floor(secondAt / DAY) * DAY + 17 * HOUR;
    const twelveHours = firstAt + 12 * HOUR; // Los Angeles' next day begins at 07:00 UTC, before Meta's 12 hours end
    const listed = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/deliveries?status=pending`);
    const bySubscription = new Map(
      (listed.body.items as Array<{ subscriptionId: string; reason: string; sendAfter: string }>).map((x) => [x.subscriptionId, x]),
    );
    expect(bySubscription.get(manila!.subscriptionId)).toMatchObject({
      reason: 'already_messaged',
      sendAfter: new Date(nextManilaDay).toISOString(),
    });
    expect(bySubscription.get(losAngeles!.subscriptionId)).toMatchObject({
      reason: 'meta_12h_spacing',
      sendAfter: new Date(twelveHours).toISOString(),
    });
    expect(bySubscription.get(unknown!.subscriptionId)).toMatchObject({
      reason: 'already_messaged',
      sendAfter: new Date(nextSaigonDay).toISOString(),
    });
    expect(t.logs.some((line) => line.includes('unknown time zone') && line.includes('Mars/Olympus'))).toBe(true);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/progress`)).body).toMatchObject({
      status: 'running',
      pending: 3,
      waitingByReason: {
        already_messaged: { count: 2, nextAt: new Date(nextManilaDay).toISOString() },
        meta_12h_spacing: { count: 1, nextAt: new Date(twelveHours).toISOString() },
      },
    });
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${skipping.id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 0,
      skippedByReason: { already_messaged: 3 },
    });

    const sentTo = async (): Promise<string[]> => (await sandboxSendsOf(t, second.metaCampaignId)).map((x) => x.token);
    await advanceTo(twelveHours - MINUTE);
    await worker().runPass();
    expect(await sentTo()).toEqual([]);
    await advanceTo(twelveHours); // 04:41 the next day in Los Angeles, 12 hours after the first
    await worker().runPass();
    expect(await sentTo()).toEqual([losAngeles!.token]);
    await advanceTo(nextManilaDay - MINUTE);
    await worker().runPass();
    expect(await sentTo()).toEqual([losAngeles!.token]);
    await advanceTo(nextManilaDay); // 00:00 in Manila
    await worker().runPass();
    expect(await sentTo()).toEqual([losAngeles!.token, manila!.token]);
    await advanceTo(nextSaigonDay); // 00:00 in Ho Chi Minh City
    await worker().runPass();
    expect(await sentTo()).toEqual([losAngeles!.token, manila!.token, unknown!.token]);
    const sentRows = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/deliveries?status=sent`);
    const day = (at: number): string => new Date(at).toISOString().slice(0, 10);
    expect(
      new Map((sentRows.body.items as Array<{ subscriptionId: string; localDay: string }>).map((x) => [x.subscriptionId, x.localDay])),
    ).toEqual(
      new Map([
        [manila!.subscriptionId, day(nextManilaDay + DAY)],
        [losAngeles!.subscriptionId, day(twelveHours)],
        [unknown!.subscriptionId, day(nextSaigonDay + DAY)],
      ]),
    );
    expect((await t.meta.stats()).duplicateMarketingSends).toBe(0);
  });

  it('with a 48-hour period, a message late on one local day keeps the next away all the next local day, until 00:00 local the day after', async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 2);
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/broadcast-settings`, { periodHours: 48 })).status).toBe(200);
    // Manila (UTC+8) days begin at 16:00 UTC. The first message goes at 22:30 local and takes that
    // Manila day and the next; the second campaign starts at 00:30 local on that next day.
    const manilaMidnight = Math.floor(t.clock.now().getTime() / DAY + 2) * DAY + 16 * HOUR;
    await advanceTo(manilaMidnight - 2.5 * HOUR);
    await aScheduledCampaign(s, HOUR);
    const second = await aScheduledCampaign(s, 3 * HOUR);
    await startAndRun(HOUR);
    await startAndRun(2 * HOUR);
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(0);
    const waiting = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/deliveries`);
    expect(waiting.body.items.map((x: { reason: string; sendAfter: string }) => [x.reason, x.sendAfter])).toEqual([
      ['already_messaged', new Date(manilaMidnight + DAY).toISOString()],
      ['already_messaged', new Date(manilaMidnight + DAY).toISOString()],
    ]);
    await advanceTo(manilaMidnight + DAY - MINUTE); // 23:59 local on the second day
    await worker().runPass();
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(0);
    await advanceTo(manilaMidnight + DAY);
    await worker().runPass();
    expect(await sandboxSendsOf(t, second.metaCampaignId)).toHaveLength(2);
  });

  it('skips those already messaged instead, when the campaign says so', async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 3);
    await advanceTo(Math.floor(t.clock.now().getTime() / DAY + 1) * DAY + HOUR);
    await aScheduledCampaign(s, HOUR);
    const second = await aScheduledCampaign(s, 2 * HOUR, { onAlreadyMessaged: 'skip' });
    await startAndRun(HOUR);
    await startAndRun(HOUR);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${second.id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 0,
      skippedByReason: { already_messaged: 3 },
    });
  });

  /** Starts a pass in the background and, once the sandbox has `atLeast` sends of the campaign, runs `control`. */
  const midSend = async (metaCampaignId: string, atLeast: number, control: () => Promise<void>): Promise<number> => {
    const pass = worker().runPass();
    for (let i = 0; i < 500 && (await t.meta.marketingSends({ campaignId: metaCampaignId, limit: 1 })).total < atLeast; i++)
      await new Promise((r) => setTimeout(r, 10));
    await control();
    const atControl = (await t.meta.marketingSends({ campaignId: metaCampaignId, limit: 1 })).total;
    await pass;
    return atControl;
  };

  it('pause mid-send sends nothing while paused, and resume loses nobody', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 40);
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/broadcast-settings`, { concurrency: 2, ratePerSecond: 0 })).status).toBe(200);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    await t.advance(2 * HOUR);
    await worker().tick();
    await t.meta.setFaults({ latencyMs: 15 });
    try {
      const atPause = await midSend(metaCampaignId, 5, async () => {
        expect((await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/pause`)).status).toBe(200);
      });
      const afterPass = (await sandboxSendsOf(t, metaCampaignId)).length;
      // Only sends already in flight when the pause landed (at most the two senders) complete.
      expect(afterPass - atPause).toBeLessThanOrEqual(2);
      expect(afterPass).toBeLessThan(40);
      await worker().runPass();
      await t.advance(HOUR);
      await worker().runPass();
      expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(afterPass);
      expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
        status: 'paused',
        sending: 0,
        pending: 40 - afterPass,
      });
    } finally {
      await t.meta.setFaults({ latencyMs: 0 });
    }
    expect((await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/resume`)).status).toBe(200);
    await worker().runPass();
    expect((await sandboxSendsOf(t, metaCampaignId)).map((x) => x.token).sort()).toEqual(subs.map((x) => x.token).sort());
    expect((await t.meta.stats()).duplicateMarketingSends).toBe(0);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 40,
    });
  });

  it('cancel mid-send stops within one batch and leaves nobody pending', async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 60);
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/broadcast-settings`, { concurrency: 2, ratePerSecond: 0 })).status).toBe(200);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    await t.advance(2 * HOUR);
    await worker().tick();
    await t.meta.setFaults({ latencyMs: 15 });
    let atCancel: number;
    try {
      atCancel = await midSend(metaCampaignId, 5, async () => {
        expect((await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/cancel`)).status).toBe(200);
      });
    } finally {
      await t.meta.setFaults({ latencyMs: 0 });
    }
    const afterCancel = (await sandboxSendsOf(t, metaCampaignId)).length;
    expect(afterCancel - atCancel).toBeLessThanOrEqual(2);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(afterCancel);
    const progress = (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body;
    expect(progress).toMatchObject({ status: 'canceled', pending: 0, sending: 0, sent: afterCancel, canceled: 60 - afterCancel });
  });

  it('after a worker dies, gives back the rows it claimed but never attempted, leaves only the attempted ones uncertain, and the shop resolves those', async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 6);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    await t.advance(2 * HOUR);
    await worker().tick();
    await t.app.get(BroadcastScheduler).fanOut(id);
    // A worker claims four rows, starts the calls of three (the first reaches Meta, the next two are cut
    // off in flight), never starts the fourth, and dies before writing anything down.
    const claimer = t.app.get(DeliveryClaimer);
    const dead = await claimer.claimBatch(id, 4, 'dead-worker');
    expect(dead.ids).toHaveLength(4);
    const [reached, lost, leftOne, neverStarted] = dead.ids as [string, string, string, string];
    const started = await claimer.markAttempted([reached, lost, leftOne].map((x) => ({ id: x, owner: dead.owner })));
    expect([...started].sort()).toEqual([reached, lost, leftOne].sort());
    const ds = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    const [victim] = await ds.query(
      'SELECT s.token_enc FROM campaign_deliveries d JOIN subscriptions s ON s.id = d.subscription_id WHERE d.id = ?',
      [reached],
    );
    const creds = { token: s.page.systemUserToken!, ad: s.page.adAccountId! };
    const sentByDead = await t.app.get(GraphApiClient).sendMarketingMessage(creds.token, creds.ad, {
      messageCampaignId: metaCampaignId,
      subscriptionToken: t.app.get(TokenCipher).decrypt(victim.token_enc),
      message: { text: 'Hi, 20% off today!' },
    });
    expect(sentByDead.ok).toBe(true);

    await worker().runPass(); // the others are sent; the dead worker's rows are still leased
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(3);
    await t.advance(LEASE_MS + 1000);
    const pass = await worker().runPass();
    expect(pass).toMatchObject({ uncertainFromLeases: 3, releasedFromLeases: 1 });
    // The never-attempted row went back to pending and was sent in the same pass; a late start by the
    // dead worker's batch is refused, so it cannot send it too.
    expect(await claimer.markAttempted([{ id: neverStarted, owner: dead.owner }])).toEqual(new Set());
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 3,
      uncertain: 3,
      pending: 0,
    });
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(4);

    // Meta's echo of the send the dead worker made settles that row; the two cut off stay uncertain.
    const echo = (await sandboxSendsOf(t, metaCampaignId)).find((x) => sentByDead.ok && x.trackingId === sentByDead.value.trackingId)!;
    await replayMarketingEcho(t, s.page.id, echo, metaCampaignId, TEST_APP_SECRET);
    await t.settle();
    let rows = new Map((await deliveryRows(t, id)).map((r) => [r.id, r]));
    expect(rows.get(reached)).toMatchObject({ status: 'sent', tracking_id: echo.trackingId });
    expect(rows.get(neverStarted)).toMatchObject({ status: 'sent' });
    expect(rows.get(lost)).toMatchObject({ status: 'uncertain', reason: 'lease_expired' });
    const listed = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/deliveries?status=uncertain`);
    expect(listed.body.items.map((i: { id: string }) => i.id).sort()).toEqual([lost, leftOne].sort());

    // The shop decides. Bad input names the field and changes nothing.
    const resolve = (body: object) => api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/deliveries/resolve`, body);
    const neither = await resolve({ action: 'resend' });
    expect(neither.status).toBe(400);
    expect(neither.body.fields).toEqual([expect.objectContaining({ field: 'deliveryIds' })]);
    const both = await resolve({ action: 'resend', all: true, deliveryIds: [lost] });
    expect(both.status).toBe(400);
    expect(both.body.fields).toEqual([expect.objectContaining({ field: 'all' })]);
    expect((await resolve({ action: 'resend-now', deliveryIds: [lost] })).body.fields).toEqual([
      expect.objectContaining({ field: 'action' }),
    ]);
    // Every fault in one answer, the choice between the two fields included.
    expect((await resolve({ action: 'resend-now' })).body.fields).toEqual([
      expect.objectContaining({ field: 'action' }),
      expect.objectContaining({ field: 'deliveryIds', rule: 'exactlyOne' }),
    ]);
    expect((await resolve({ action: 'resend', deliveryIds: [lost, 'x1'] })).body.fields).toEqual([
      expect.objectContaining({ field: 'deliveryIds.1', rule: 'matches' }),
    ]);
    const notUncertain = await resolve({ action: 'resend', deliveryIds: [lost, reached] });
    expect(notUncertain.status).toBe(409);
    expect(notUncertain.body).toMatchObject({ error: 'not_uncertain', fields: [{ field: 'deliveryIds' }], details: { ids: [reached] } });
    expect((await deliveryRows(t, id)).find((r) => r.id === lost)).toMatchObject({ status: 'uncertain' });

    expect((await resolve({ action: 'leave', deliveryIds: [leftOne] })).body).toEqual({ action: 'leave', resolved: 1 });
    expect((await resolve({ action: 'resend', deliveryIds: [lost] })).body).toEqual({ action: 'resend', resolved: 1 });
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}`)).body).toMatchObject({ status: 'running' });
    await worker().runPass();
    rows = new Map((await deliveryRows(t, id)).map((r) => [r.id, r]));
    expect(rows.get(lost)).toMatchObject({ status: 'sent' });
    expect(rows.get(leftOne)).toMatchObject({ status: 'uncertain', reason: 'left_by_shop' });
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 5,
      uncertain: 1,
    });
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(5);
    expect((await t.meta.stats()).duplicateMarketingSends).toBe(0);
    // `all` applies to every uncertain row of the campaign, decided or not.
    expect((await resolve({ action: 'leave', all: true })).body).toEqual({ action: 'leave', resolved: 1 });
  });

  it("updates delivery rows from Meta's marketing-message webhooks", async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 3);
    await t.meta.setSettings({ marketingWebhooks: true });
    try {
      const { id } = await aScheduledCampaign(s);
      await startAndRun();
      await t.settle();
      const delivered = await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? AND delivered_at IS NOT NULL', [id]);
      expect(Number(delivered[0].n)).toBe(3);
      expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({ sent: 3, delivered: 3 });
    } finally {
      await t.meta.setSettings({ marketingWebhooks: false });
    }
  });

  it("sends at HH:MM in each recipient's own time zone, with the fallback zone for those who reported none", async () => {
    const s = await aSetup();
    const [manila, newYork, unknown] = await subscribersOf(t, s.page.id, s.topic, 3);
    await setSubscriptionTimezone(t, newYork!.subscriptionId, 'America/New_York');
    await setSubscriptionTimezone(t, unknown!.subscriptionId, null);
    const date = new Date(Math.floor(t.clock.now().getTime() / DAY + 2) * DAY).toISOString().slice(0, 10);
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Morning deal',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Good morning!' },
    });
    const scheduled = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`, {
      localTime: '09:00',
      date,
      fallbackTimezone: 'Europe/Berlin',
    });
    expect(scheduled.status).toBe(200);
    const day = Date.parse(`${date}T00:00:00Z`);
    expect(scheduled.body.schedule).toMatchObject({ type: 'local_time', at: new Date(day + 9 * HOUR - 14 * HOUR).toISOString() });
    const sent = async (): Promise<string[]> => (await sandboxSendsOf(t, scheduled.body.metaCampaignId)).map((x) => x.token);

    await advanceTo(day - 5 * HOUR);
    expect(await worker().tick()).toEqual([created.body.id]);
    await worker().runPass();
    expect(await sent()).toEqual([]);
    await advanceTo(day + HOUR); // 09:00 in Manila
    await worker().runPass();
    expect(await sent()).toEqual([manila!.token]);
    await advanceTo(day + 7 * HOUR); // 09:00 in Berlin (summer time)
    await worker().runPass();
    expect(await sent()).toEqual([manila!.token, unknown!.token]);
    await advanceTo(day + 13 * HOUR); // 09:00 in New York (summer time)
    await worker().runPass();
    expect(await sent()).toEqual([manila!.token, unknown!.token, newYork!.token]);
  });

  it("takes the Page's zone for a local-time campaign without a fallback zone, and refuses a date that does not exist, naming the field", async () => {
    const s = await aSetup();
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Morning deal',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Good morning!' },
    });
    const path = `/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`;
    const impossible = await api(s.shop).post(path, { localTime: '09:00', date: '2027-02-30' });
    expect(impossible.status).toBe(400);
    expect(impossible.body.fields.map((f: { field: string }) => f.field)).toEqual(['date']);
    const date = new Date(Math.floor(t.clock.now().getTime() / DAY + 2) * DAY).toISOString().slice(0, 10);
    const scheduled = await api(s.shop).post(path, { localTime: '09:00', date });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.schedule).toMatchObject({ type: 'local_time', localTime: '09:00', fallbackTimezone: 'Asia/Manila' });
  });

  it("records Meta's per-recipient refusals: a frequency-capped person is skipped, a too-early token waits for its next eligible time", async () => {
    const s = await aSetup();
    const [capped, early, plain] = await subscribersOf(t, s.page.id, s.topic, 3);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    // Someone else's campaign messaged `early` just now: Meta refuses it for 12 hours (2300035).
    const other = await t.app
      .get(GraphApiClient)
      .createMessageCampaign(s.page.systemUserToken!, s.page.adAccountId!, { name: 'elsewhere', pageId: s.page.id });
    await t.meta.setFaults({ frequencyCapPsids: [capped!.psid] });
    try {
      await t.advance(2 * HOUR);
      expect(other.ok).toBe(true);
      const direct = await t.app.get(GraphApiClient).sendMarketingMessage(s.page.systemUserToken!, s.page.adAccountId!, {
        messageCampaignId: other.ok ? other.value.id : '',
        subscriptionToken: early!.token,
        message: { text: 'Flash sale' },
      });
      expect(direct.ok).toBe(true);
      await worker().tick();
      await worker().runPass();
    } finally {
      await t.meta.setFaults({ frequencyCapPsids: [] });
    }
    const rows = new Map((await deliveryRows(t, id)).map((r) => [r.subscription_id, r]));
    expect(rows.get(capped!.subscriptionId)).toMatchObject({ status: 'skipped', reason: 'frequency_capped' });
    expect(rows.get(early!.subscriptionId)).toMatchObject({ status: 'pending', reason: 'too_early' });
    expect((await sandboxSendsOf(t, metaCampaignId)).map((x) => x.token)).toEqual([plain!.token]);

    await t.advance(12 * HOUR - MINUTE);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(1);
    await t.advance(2 * MINUTE);
    await worker().runPass();
    expect((await sandboxSendsOf(t, metaCampaignId)).map((x) => x.token).sort()).toEqual([early!.token, plain!.token].sort());
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 2,
      skippedByReason: { frequency_capped: 1 },
    });
  });

  it("waits out Meta's pacing error on the campaign, then goes on", async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 4);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    await t.meta.setFaults({ pacingNext: 1 });
    await startAndRun();
    const held = await t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query('SELECT hold_until FROM campaigns WHERE id = ?', [id]);
    expect(held[0].hold_until).not.toBeNull();
    await worker().runPass();
    const before = (await sandboxSendsOf(t, metaCampaignId)).length;
    expect(before).toBeLessThan(4);
    await t.advance(30 * MINUTE);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(4);
  });

  it("holds the Page's campaigns for the wait a rate limit (2300078) names, then sends the rest", async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 5);
    // Throttling off: the hold is the campaign's, by the business clock (the slot line runs on wall time).
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/broadcast-settings`, { ratePerSecond: 0, concurrency: 1 })).status).toBe(200);
    const { id, metaCampaignId } = await aScheduledCampaign(s);
    await t.advance(2 * HOUR);
    await worker().tick();
    await t.meta.setFaults({ rateLimitNext: 1 });
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(0);
    const [held] = await t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query('SELECT hold_until FROM campaigns WHERE id = ?', [id]);
    expect(held.hold_until).not.toBeNull();
    await t.advance(30_000);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(0);
    await t.advance(31_000);
    await worker().runPass();
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(5);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`)).body).toMatchObject({
      status: 'completed',
      sent: 5,
    });
  });

  it('checks content against the platform limits when it is saved, naming the field', async () => {
    const s = await aSetup();
    const create = (content: object) => api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, { name: 'x', topicId: s.topic.id, content });
    const fields = (res: { body: { fields?: Array<{ field: string }> } }): string[] => (res.body.fields ?? []).map((f) => f.field);

    const tooLong = await create({ type: 'text', text: 'a'.repeat(641) });
    expect(tooLong.status).toBe(400);
    expect(fields(tooLong)).toEqual(['content.text']);
    const card = { title: 'Dress {{first_name}}', buttons: [{ type: 'web_url', title: 'Shop', url: 'https://shop.example.com/d' }] };
    const elevenCards = await create({ type: 'generic', elements: Array.from({ length: 11 }, () => card) });
    expect(fields(elevenCards)).toEqual(['content.elements']);
    const placeholderInButton = await create({
      type: 'generic',
      elements: [{ title: 'Dress', buttons: [{ type: 'postback', title: 'Hi {{first_name}}', payload: 'BUY' }] }],
    });
    expect(fields(placeholderInButton)).toEqual(['content.elements.0.buttons.0.title']);
    const fourButtons = await create({ type: 'generic', elements: [{ title: 'Dress', buttons: [1, 2, 3, 4].map(() => card.buttons[0]) }] });
    expect(fields(fourButtons)).toEqual(['content.elements.0.buttons']);
    const unknownPlaceholder = await create({ type: 'text', text: 'Hi {{nickname}}' });
    expect(fields(unknownPlaceholder)).toEqual(['content.text']);
    // One 400 lists every field at fault: the body's and the content's together, nothing stored.
    const before = (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns`)).body.length;
    const everything = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: '',
      topicId: s.topic.id,
      content: { type: 'generic', elements: [{ title: 'Dress', buttons: [{ type: 'web_url', title: 'Shop', url: 'not a link' }] }, 'card'] },
      segment: { match: 'all', conditions: [{ type: 'timezone', zones: ['Asia/Manila', 'Mars/Olympus'] }] },
    });
    expect(fields(everything).sort()).toEqual([
      'content.elements.0.buttons.0.url',
      'content.elements.1',
      'name',
      'segment.conditions.0.zones.1',
    ]);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns`)).body.length).toBe(before);
    expect((await create({ type: 'generic', elements: [card] })).status).toBe(201);
    expect((await create({ type: 'image', imageUrl: 'https://cdn.example.com/a.jpg' })).status).toBe(201);
  });

  it("refuses a start closer than Meta's one-hour warm-up, and schedules 'as soon as possible' after it", async () => {
    const s = await aSetup();
    const created = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, {
      name: 'Soon',
      topicId: s.topic.id,
      content: { type: 'text', text: 'Hi' },
    });
    const soon = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`, {
      at: new Date(t.clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    expect(soon.status).toBe(422);
    expect(soon.body).toMatchObject({
      error: 'warm_up_required',
      details: { earliestStart: new Date(t.clock.now().getTime() + HOUR).toISOString() },
    });
    const asap = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${created.body.id}/schedule`, {});
    expect(asap.status).toBe(200);
    expect(asap.body.schedule.at).toBe(new Date(t.clock.now().getTime() + HOUR).toISOString());
    expect(asap.body.notice).toMatch(/one hour/);
  });

  it('sends nothing to a subscriber whose STOP Meta was answered for just before the batch: the batch waits for it, bounded, then defers them', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 3);
    const { id, metaCampaignId } = await aScheduledCampaign(s, 2 * HOUR);
    await t.advance(2 * HOUR);
    // Campaigns of earlier stories may come due at the same tick: this one's rows and sends are filtered by its ids.
    expect(await worker().tick()).toContain(id);
    await t.app.get(BroadcastScheduler).fanOut(id);
    // STOP pressed; Meta's delivery is answered and stored, not applied: this app only stores (ROLES=api).
    await t.meta.personStop({ pageId: s.page.id, psid: subs[0]!.psid });
    await t.meta.flushWebhooks();

    await worker().runPass();
    const sentTokens = async (): Promise<string[]> => (await sandboxSendsOf(t, metaCampaignId)).map((x) => x.token).sort();
    expect(await sentTokens()).toEqual([subs[1]!.token, subs[2]!.token].sort());
    const stopped = async () => (await deliveryRows(t, id)).find((r) => r.subscription_id === subs[0]!.subscriptionId);
    expect(await stopped()).toMatchObject({ status: 'pending', reason: 'webhooks_pending' });

    // A worker applies the STOP; the deferred recipient is then skipped, never sent.
    await t.settle();
    await t.advance(MINUTE);
    await worker().runPass();
    expect(await sentTokens()).toEqual([subs[1]!.token, subs[2]!.token].sort());
    expect(await stopped()).toMatchObject({ status: 'skipped', reason: 'subscription_stopped' });
  }, 30_000);

  it('keeps broadcast settings per Page', async () => {
    const s = await aSetup();
    const path = `/api/pages/${s.page.id}/broadcast-settings`;
    expect((await api(s.shop).get(path)).body).toEqual({ pageId: s.page.id, periodHours: 24, ratePerSecond: 100, concurrency: 16 });
    expect((await api(s.shop).put(path, { periodHours: 48 })).body).toMatchObject({ periodHours: 48, ratePerSecond: 100 });
    expect((await api(s.shop).get(path)).body).toMatchObject({ periodHours: 48 });
    const bad = await api(s.shop).put(path, { periodHours: 6, concurrency: 0 });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.fields.map((f: { field: string }) => f.field))].sort()).toEqual(['concurrency', 'periodHours']);
    // A period is a whole number of the subscriber's local days.
    for (const periodHours of [12, 36]) {
      const notDays = await api(s.shop).put(path, { periodHours });
      expect(notDays.status).toBe(400);
      expect(notDays.body.fields.map((f: { field: string }) => f.field)).toContain('periodHours');
    }
    expect((await api(s.shop).get(path)).body).toMatchObject({ periodHours: 48 });
    const other = await aShop(t);
    expect((await api(other).get(path)).status).toBe(404);
  });
});
