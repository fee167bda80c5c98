import type { DataSource } from 'typeorm';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { addDays, localDateOf, wallTimeToInstant } from '../../src/common/local-time';
import { AbTestsService } from '../../src/results/ab-tests.service';
import { OptOutGuard } from '../../src/results/opt-out-guard';
import { ResultsJobs } from '../../src/results/results-jobs';
import { aShop, type PageInput, type TestShop } from '../helpers/builders';
import {
  aBroadcastPage,
  aTopic,
  deliveryRows,
  sandboxSendsOf,
  subscribersOf,
  type TestSubscriber,
  type TestTopic,
} from '../helpers/broadcast-builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface Button {
  type: string;
  title: string;
  url?: string;
}

describe.each(testDatabases())('Campaign results on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background loops: each test runs the scheduler tick, worker passes and results jobs itself.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const worker = (): BroadcastWorker => t.app.get(BroadcastWorker);
  const jobs = (): ResultsJobs => t.app.get(ResultsJobs);
  const api = (shop: TestShop) => ({
    post: (path: string, body: object = {}) => t.http().post(path).set(shop.auth).send(body),
    put: (path: string, body: object) => t.http().put(path).set(shop.auth).send(body),
    get: (path: string) => t.http().get(path).set(shop.auth),
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

  const card = (title: string, url: string): object => ({
    type: 'generic',
    elements: [{ title, subtitle: 'New this week', buttons: [{ type: 'web_url', title, url }] }],
  });

  const aCampaign = async (s: Setup, content: object): Promise<string> => {
    const res = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns`, { name: 'Summer arrivals', topicId: s.topic.id, content });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const schedule = async (s: Setup, id: string, body: object): Promise<string> => {
    const res = await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${id}/schedule`, body);
    expect(res.status).toBe(200);
    return res.body.metaCampaignId as string;
  };
  const scheduleIn = (s: Setup, id: string, ms: number): Promise<string> =>
    schedule(s, id, { at: new Date(t.clock.now().getTime() + ms).toISOString() });
  const advanceTo = async (at: number): Promise<void> => {
    const delta = at - t.clock.now().getTime();
    if (delta > 0) await t.advance(delta);
  };
  /** Tomorrow in Manila, and 09:00 of it in Manila and in Los Angeles (00:00 the day after in Manila). */
  const tomorrowAtNine = (): { date: string; manila: number; la: number } => {
    const date = addDays(localDateOf(t.clock.now(), 'Asia/Manila'), 1);
    return {
      date,
      manila: wallTimeToInstant(date, '09:00', 'Asia/Manila').getTime(),
      la: wallTimeToInstant(date, '09:00', 'America/Los_Angeles').getTime(),
    };
  };
  const run = async (): Promise<void> => {
    await worker().tick();
    await worker().runPass();
    await t.settle();
  };

  /** The button Meta received in the person's last marketing message. */
  const buttonReceived = async (s: Setup, psid: string): Promise<Button> => {
    const items = (await t.meta.received(s.page.id, psid)).filter((i) => i.source === 'marketing_message');
    const message = items[items.length - 1]!.message as { attachment: { payload: { elements: Array<{ buttons: Button[] }> } } };
    return message.attachment.payload.elements[0]!.buttons[0]!;
  };
  /** Follows a button's URL the way the customer's browser would: the redirect's path on this app. */
  const follow = (button: Button, userAgent = 'Mozilla/5.0 (iPhone) Messenger') => {
    const path = new URL(button.url!).pathname;
    return t.http().get(path).set('User-Agent', userAgent).redirects(0);
  };
  const orderEvent = (s: Setup, psid: string, orderId: string, status: string, total: number) =>
    api(s.shop).post('/api/pos/order-events', {
      orderId,
      pageId: s.page.id,
      customerPsid: psid,
      status,
      occurredAt: t.clock.now().toISOString(),
      total,
      currency: 'PHP',
    });
  const resultsOf = async (s: Setup, id: string) => {
    const res = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/results`);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('a click through the redirect and a CONFIRMED order from that customer two days later show one order and its revenue on the campaign', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 3);
    const id = await aCampaign(s, card('Shop now', 'https://shop.example.ph/summer?id=7'));
    const utm = { source: 'messenger', medium: 'marketing_message', campaign: 'summer-arrivals' };
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/results-settings`, { utm })).body).toMatchObject({
      utm,
      attributionDeliveredHours: 24,
      attributionClickHours: 168,
      overrides: ['utm'],
    });
    await scheduleIn(s, id, 2 * HOUR);
    await t.advance(2 * HOUR);
    await run();

    // Meta got our redirect, one code per recipient, never the shop's URL.
    const buttons = await Promise.all(subs.map((sub) => buttonReceived(s, sub.psid)));
    for (const b of buttons)
      expect(b.url).toMatch(new RegExp(`^${t.config.publicUrl.replace(/[.]/g, '\\.')}/r/[0-9a-z]+\\.0\\.[A-Za-z0-9_-]{16}$`));
    expect(new Set(buttons.map((b) => b.url)).size).toBe(3);

    const clicked = await follow(buttons[0]!);
    expect(clicked.status).toBe(302);
    expect(clicked.headers.location).toBe(
      'https://shop.example.ph/summer?id=7&utm_source=messenger&utm_medium=marketing_message&utm_campaign=summer-arrivals',
    );
    // Meta's crawler follows links too: sent on, not counted. A forged or unknown code leads nowhere.
    expect((await follow(buttons[1]!, 'facebookexternalhit/1.1')).status).toBe(302);
    const forged = buttons[1]!.url!.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await follow({ ...buttons[1]!, url: forged })).status).toBe(404);

    await t.advance(2 * DAY);
    // The customer who clicked orders: attributed (7-day click window). The one who only received it two
    // days ago is past the 24-hour delivery window: not attributed.
    expect((await orderEvent(s, subs[0]!.psid, 'PO-1001', 'CONFIRMED', 125_000)).status).toBe(202);
    expect((await orderEvent(s, subs[1]!.psid, 'PO-1002', 'CONFIRMED', 99_000)).status).toBe(202);
    // Later statuses and repeats of the same order change nothing.
    await orderEvent(s, subs[0]!.psid, 'PO-1001', 'CONFIRMED', 125_000);
    await orderEvent(s, subs[0]!.psid, 'PO-1001', 'SHIPPED', 125_000);

    const results = await resultsOf(s, id);
    expect(results).toMatchObject({
      sent: 3,
      clicked: 1,
      links: [{ variant: 0, index: 0, url: 'https://shop.example.ph/summer?id=7', title: 'Shop now', clickers: 1, clicks: 1 }],
      attribution: { orders: 1, revenue: 125_000, revenueCurrency: 'PHP', cost: 300, costCurrency: 'PHP', revenuePerCost: 416.67 },
    });

    // A canceled order leaves the figures.
    await orderEvent(s, subs[0]!.psid, 'PO-1001', 'CANCELED', 125_000);
    expect((await resultsOf(s, id)).attribution).toMatchObject({ orders: 0, revenue: 0 });
  });

  it('gives an order to the last touch only: the later campaign that was clicked, not the earlier one', async () => {
    const s = await aSetup();
    const [sub] = await subscribersOf(t, s.page.id, s.topic, 1);
    const first = await aCampaign(s, card('First', 'https://shop.example.ph/a'));
    await scheduleIn(s, first, 2 * HOUR);
    await t.advance(2 * HOUR);
    await run();
    await follow(await buttonReceived(s, sub!.psid));

    await t.advance(DAY + HOUR);
    const second = await aCampaign(s, card('Second', 'https://shop.example.ph/b'));
    await scheduleIn(s, second, 2 * HOUR);
    await t.advance(2 * HOUR);
    await run();
    await t.advance(10 * MINUTE);
    await follow(await buttonReceived(s, sub!.psid));

    await t.advance(HOUR);
    await orderEvent(s, sub!.psid, 'PO-2001', 'CONFIRMED', 50_000);
    expect((await resultsOf(s, first)).attribution.orders).toBe(0);
    expect((await resultsOf(s, second)).attribution).toMatchObject({ orders: 1, revenue: 50_000 });
  });

  it('a burst of STOPs after a campaign pauses it with the reason, and the rest is not sent', async () => {
    const s = await aSetup();
    const manila = await subscribersOf(t, s.page.id, s.topic, 10, { timezone: 'Asia/Manila' });
    const la = await subscribersOf(t, s.page.id, s.topic, 10, { timezone: 'America/Los_Angeles' });
    const id = await aCampaign(s, { type: 'text', text: 'Hi {{first_name}}, summer arrivals are in!' });
    expect(
      (
        await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/results-settings`, {
          optOutPauseThresholdPercent: 15,
          optOutMinSent: 5,
        })
      ).status,
    ).toBe(200);
    const day = tomorrowAtNine();
    const metaCampaignId = await schedule(s, id, { localTime: '09:00', date: day.date, fallbackTimezone: 'Asia/Manila' });
    // 09:00 in Manila: the Manila half is sent; Los Angeles waits for its own 09:00.
    await advanceTo(day.manila);
    await run();
    expect((await sandboxSendsOf(t, metaCampaignId)).length).toBe(10);

    const stop = async (sub: TestSubscriber): Promise<void> => {
      await t.meta.personStop({ pageId: s.page.id, psid: sub.psid });
      await t.settle();
    };
    await t.advance(30 * MINUTE);
    await stop(manila[0]!);
    expect((await jobs().runOnce()).paused).toEqual([]); // 10 %: under the threshold
    await stop(manila[1]!);
    await stop(manila[2]!);
    // 30 %: two processes checking at once pause it once.
    const [one, two] = await Promise.all([t.app.get(OptOutGuard).checkRunning(), t.app.get(OptOutGuard).checkRunning()]);
    expect([...one, ...two]).toEqual([id]);
    expect((await jobs().runOnce()).paused).toEqual([]);

    const shown = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`);
    expect(shown.body).toMatchObject({ status: 'paused', pause: { reason: 'opt_out_rate_exceeded' } });
    // Announced once, like every other pause (a POS endpoint or host listener learns why it stopped).
    const announced = (await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query(`SELECT envelope FROM domain_events WHERE type = 'campaign.paused' AND ordering_key = ?`, [`campaign:${id}`])) as Array<{
      envelope: string;
    }>;
    expect(announced.map((r) => (JSON.parse(r.envelope) as { data: { reason: string } }).data.reason)).toEqual(['opt_out_rate_exceeded']);
    expect((await resultsOf(s, id)).optOuts).toMatchObject({
      sent: 10,
      stops: 3,
      unsubscribes: 0,
      rate: 0.3,
      thresholdPercent: 15,
      pausedForRate: true,
    });

    await advanceTo(day.la);
    await run();
    expect((await sandboxSendsOf(t, metaCampaignId)).length).toBe(10);
    expect((await deliveryRows(t, id)).filter((r) => r.status === 'pending')).toHaveLength(la.length);
  });

  it('removes a draft’s A/B test: the whole audience gets the campaign’s own content; a scheduled campaign keeps its test', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 6);
    const abTest = (id: string) => `/api/pages/${s.page.id}/campaigns/${id}/ab-test`;
    const test = { variants: [card('Variant B', 'https://shop.example.ph/b')], testSharePercent: 50, testDurationMinutes: 60 };
    const id = await aCampaign(s, card('Variant A', 'https://shop.example.ph/a'));
    expect((await t.http().delete(abTest(id)).set(s.shop.auth)).body).toMatchObject({ statusCode: 404, error: 'not_found' });
    expect((await api(s.shop).put(abTest(id), test)).status).toBe(200);
    expect((await t.http().delete(abTest(id)).set(s.shop.auth)).status).toBe(204);
    expect((await api(s.shop).get(abTest(id))).status).toBe(404);
    const metaCampaignId = await scheduleIn(s, id, 2 * HOUR);
    await t.advance(2 * HOUR);
    await run();
    // No held rows waiting for a decision: all six went at once, all with variant A.
    expect((await deliveryRows(t, id)).map((r) => r.status)).toEqual(Array(6).fill('sent'));
    expect(await sandboxSendsOf(t, metaCampaignId)).toHaveLength(6);
    for (const sub of subs) expect((await buttonReceived(s, sub.psid)).title).toBe('Variant A');

    const kept = await aCampaign(s, card('Variant A', 'https://shop.example.ph/a'));
    expect((await api(s.shop).put(abTest(kept), test)).status).toBe(200);
    await scheduleIn(s, kept, 2 * HOUR);
    expect((await t.http().delete(abTest(kept)).set(s.shop.auth)).body).toMatchObject({ statusCode: 409, error: 'campaign_not_draft' });
    expect((await api(s.shop).get(abTest(kept))).status).toBe(200);
    // A PUT that read the campaign as a draft just before it was scheduled writes nothing.
    const late = await aCampaign(s, card('Variant A', 'https://shop.example.ph/a'));
    await scheduleIn(s, late, 2 * HOUR);
    const dto = { ...test, variants: test.variants as Array<Record<string, unknown>>, metric: 'click_rate' as const };
    await expect(t.app.get(AbTestsService).put(late, 'draft', dto)).rejects.toMatchObject({
      status: 409,
      code: 'campaign_not_draft',
    });
    expect((await api(s.shop).get(abTest(late))).status).toBe(404);
    // Out of the way of the other tests' worker passes.
    for (const done of [kept, late]) expect((await api(s.shop).post(`/api/pages/${s.page.id}/campaigns/${done}/cancel`)).status).toBe(200);
  });

  it('drops a campaign’s own results settings: it follows the shop’s again', async () => {
    const s = await aSetup();
    const id = await aCampaign(s, { type: 'text', text: 'Summer arrivals are in!' });
    const settings = `/api/pages/${s.page.id}/campaigns/${id}/results-settings`;
    const shop = (await api(s.shop).get('/api/results-settings')).body as Record<string, unknown>;
    const own = { attributionClickHours: 12, optOutPauseThresholdPercent: 9, utm: { source: 'messenger', campaign: 'summer' } };
    expect((await api(s.shop).put(settings, own)).body).toMatchObject(own);
    const reset = await t.http().delete(settings).set(s.shop.auth);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ ...shop, utm: null, overrides: [] });
    expect((await api(s.shop).get(settings)).body).toEqual(reset.body);
  });

  it('an A/B campaign sends its test share both contents, picks the better click rate once, and sends the winner to the rest', async () => {
    const s = await aSetup();
    const subs = await subscribersOf(t, s.page.id, s.topic, 40);
    const id = await aCampaign(s, card('Variant A', 'https://shop.example.ph/a'));
    const test = {
      variants: [card('Variant B', 'https://shop.example.ph/b')],
      testSharePercent: 50,
      testDurationMinutes: 60,
      metric: 'click_rate',
    };
    // A variant's fault is named by its path, dotted like every other field of the API.
    const badLink = await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`, {
      ...test,
      variants: [card('Variant B', 'not a link')],
    });
    expect(badLink.status).toBe(400);
    expect(badLink.body.fields.map((f: { field: string }) => f.field)).toEqual(['variants.0.elements.0.buttons.0.url']);
    // Every field at fault in one answer, each variant by its position.
    const everything = await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`, {
      ...test,
      testSharePercent: 1,
      variants: [card('Variant B', 'https://shop.example.ph/b'), 'variant C'],
    });
    expect(everything.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['testSharePercent', 'variants.1']);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`)).status).toBe(404);
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`, test)).status).toBe(200);
    const metaCampaignId = await scheduleIn(s, id, 2 * HOUR);
    // The audience is split at fan-out: the test is fixed once the campaign is scheduled.
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`, test)).body).toMatchObject({
      statusCode: 409,
      error: 'campaign_not_draft',
    });
    await t.advance(2 * HOUR);
    await run();

    // Half the audience is in the test, split between A and B; the rest is held.
    const rows = await deliveryRows(t, id);
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(20);
    expect(rows.filter((r) => r.status === 'held')).toHaveLength(20);
    const received = await Promise.all(
      subs.map(async (sub) => ({
        sub,
        button: (await t.meta.received(s.page.id, sub.psid)).length ? await buttonReceived(s, sub.psid) : undefined,
      })),
    );
    const gotA = received.filter((r) => r.button?.title === 'Variant A');
    const gotB = received.filter((r) => r.button?.title === 'Variant B');
    expect(gotA.length).toBe(10);
    expect(gotB.length).toBe(10);

    // B's readers click more.
    for (const r of gotB.slice(0, 4)) expect((await follow(r.button!)).headers.location).toBe('https://shop.example.ph/b');
    await follow(gotA[0]!.button!);
    await t.advance(59 * MINUTE);
    expect((await jobs().runOnce()).decided).toEqual([]);
    await t.advance(MINUTE);
    // Two processes deciding at once: one decision.
    const [one, two] = await Promise.all([t.app.get(AbTestsService).decideDue(), t.app.get(AbTestsService).decideDue()]);
    expect([...one, ...two]).toEqual([id]);

    await run();
    const sends = await sandboxSendsOf(t, metaCampaignId);
    expect(sends).toHaveLength(40);
    const rest = received.filter((r) => r.button === undefined);
    for (const r of rest) expect((await buttonReceived(s, r.sub.psid)).title).toBe('Variant B');
    const ab = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`);
    expect(ab.body).toMatchObject({
      winner: 1,
      metric: 'click_rate',
      decision: [
        { variant: 0, sent: 10, clicked: 1, clickRate: 0.1 },
        { variant: 1, sent: 10, clicked: 4, clickRate: 0.4 },
      ],
      figures: [
        { variant: 0, sent: 10 },
        { variant: 1, sent: 30 },
      ],
    });
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}`)).body.status).toBe('completed');
  });

  it("shows an A/B test's held rest waiting for the decision: nextAt is decideAfter and secondsLeft counts down to it", async () => {
    const s = await aSetup();
    await subscribersOf(t, s.page.id, s.topic, 20);
    const id = await aCampaign(s, { type: 'text', text: 'Payday sale: 20% off today' });
    const test = { variants: [{ type: 'text', text: 'Payday: 20% off everything' }], testSharePercent: 50, testDurationMinutes: 15 };
    expect((await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`, test)).status).toBe(200);
    await scheduleIn(s, id, 2 * HOUR);
    await t.advance(2 * HOUR);
    await run();
    const started = t.clock.now().getTime();
    const { decideAfter } = (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/ab-test`)).body as { decideAfter: string };
    expect(Date.parse(decideAfter) - started).toBeGreaterThan(14 * MINUTE);
    expect(Date.parse(decideAfter) - started).toBeLessThanOrEqual(15 * MINUTE);

    const progress = async () => (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/progress`).expect(200)).body;
    // Just after the test share went out (10 sent in the last minute): the rest waits for the decision, not 10 ÷ rate.
    const sending = await progress();
    expect(sending).toMatchObject({ status: 'running', sent: 10, waitingByReason: { ab_test_winner: { count: 10, nextAt: decideAfter } } });
    expect(sending.ratePerSecond).toBeGreaterThan(0);
    expect(sending.secondsLeft).toBe(Math.ceil((Date.parse(decideAfter) - started) / 1000));
    // Five minutes on, nothing sent in the last minute: still known, ten minutes left.
    await t.advance(5 * MINUTE);
    const waiting = await progress();
    expect(waiting.waitingByReason.ab_test_winner).toEqual({ count: 10, nextAt: decideAfter });
    expect(waiting.secondsLeft).toBe(Math.ceil((Date.parse(decideAfter) - started) / 1000) - 5 * 60);
  });

  it("counts sends, reads, clicks, orders and revenue per hour and per local day of the Page, adding up to the campaign's totals", async () => {
    const s = await aSetup();
    const manila = await subscribersOf(t, s.page.id, s.topic, 4, { timezone: 'Asia/Manila' });
    const la = await subscribersOf(t, s.page.id, s.topic, 3, { timezone: 'America/Los_Angeles' });
    const id = await aCampaign(s, card('Shop now', 'https://shop.example.ph/summer'));
    const day = tomorrowAtNine();
    const metaCampaignId = await schedule(s, id, { localTime: '09:00', date: day.date, fallbackTimezone: 'Asia/Manila' });
    await advanceTo(day.manila);
    await run();
    await follow(await buttonReceived(s, manila[0]!.psid));
    await follow(await buttonReceived(s, manila[1]!.psid));
    await advanceTo(day.la); // 09:00 in Los Angeles is 00:00 of the next day in Manila
    await run();
    const sends = await sandboxSendsOf(t, metaCampaignId);
    for (const send of sends.slice(0, 5))
      await t.meta.marketingSendWebhook({ trackingId: send.trackingId, field: 'marketing_message_reads' });
    await t.settle();
    await follow(await buttonReceived(s, la[0]!.psid));
    await t.advance(2 * HOUR);
    await orderEvent(s, la[0]!.psid, 'PO-3001', 'CONFIRMED', 70_000);
    await orderEvent(s, manila[0]!.psid, 'PO-3002', 'DELIVERED', 30_000);

    const totals = await resultsOf(s, id);
    expect(totals).toMatchObject({ sent: 7, clicked: 3, attribution: { orders: 2, revenue: 100_000 } });
    for (const bucket of ['hour', 'day'] as const) {
      const res = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/figures?bucket=${bucket}`);
      expect(res.status).toBe(200);
      const sum = (k: string): number => (res.body.buckets as Array<Record<string, number>>).reduce((n, b) => n + b[k]!, 0);
      expect({ sends: sum('sends'), reads: sum('reads'), clicks: sum('clicks'), orders: sum('orders'), revenue: sum('revenue') }).toEqual({
        sends: totals.sent,
        reads: totals.read,
        clicks: totals.clicked,
        orders: totals.attribution.orders,
        revenue: totals.attribution.revenue,
      });
    }
    const days = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/figures?bucket=day`);
    expect(days.body).toMatchObject({ bucket: 'day', timezone: 'Asia/Manila', revenueCurrency: 'PHP' });
    const next = addDays(day.date, 1);
    expect(days.body.buckets.map((b: { local: string; start: string; sends: number }) => [b.local, b.start, b.sends])).toEqual([
      [day.date, wallTimeToInstant(day.date, '00:00', 'Asia/Manila').toISOString(), 4],
      [next, wallTimeToInstant(next, '00:00', 'Asia/Manila').toISOString(), 3],
    ]);
    expect((await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/figures?bucket=week`)).body).toMatchObject({
      statusCode: 400,
      fields: [{ field: 'bucket' }],
    });
  });

  it("shows a recurring series' results per occurrence (orders, revenue, revenue per cost) and their totals, with the series' UTM on every occurrence", async () => {
    const s = await aSetup();
    const [first, second] = await subscribersOf(t, s.page.id, s.topic, 2);
    const id = await aCampaign(s, card('Shop now', 'https://shop.example.ph/weekly'));
    const utm = { source: 'messenger', campaign: 'weekly-deals' };
    await api(s.shop).put(`/api/pages/${s.page.id}/campaigns/${id}/results-settings`, { utm }).expect(200);
    const from = addDays(localDateOf(t.clock.now(), 'Asia/Manila'), 2);
    await api(s.shop)
      .post(`/api/pages/${s.page.id}/campaigns/${id}/repeat`, {
        rule: 'FREQ=WEEKLY',
        time: '09:00',
        mode: 'page',
        from,
        fallbackTimezone: 'Asia/Manila',
      })
      .expect(200);
    const [week1, week2] = [from, addDays(from, 7)];
    /** Makes the week's occurrence (six hours ahead), sends it at 09:00 Manila, and returns its id. */
    const sendWeek = async (date: string): Promise<string> => {
      const nine = wallTimeToInstant(date, '09:00', 'Asia/Manila').getTime();
      await advanceTo(nine - 6 * HOUR);
      await run();
      await advanceTo(nine);
      await run();
      const occurrences = (await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/occurrences`)).body as Array<{
        id: string;
        occurrence: { date: string };
      }>;
      return occurrences.find((o) => o.occurrence.date === date)!.id;
    };

    const one = await sendWeek(week1!);
    const clicked = await follow(await buttonReceived(s, first!.psid));
    // The occurrence carries the series' UTM parameters.
    expect(clicked.headers.location).toBe('https://shop.example.ph/weekly?utm_source=messenger&utm_campaign=weekly-deals');
    await t.advance(HOUR);
    await orderEvent(s, first!.psid, 'PO-4001', 'CONFIRMED', 100_000);

    const two = await sendWeek(week2!);
    await follow(await buttonReceived(s, second!.psid));
    await t.advance(HOUR);
    await orderEvent(s, second!.psid, 'PO-4002', 'CONFIRMED', 50_000);

    const series = await resultsOf(s, id);
    // Each week sent 2 (cost 2 × ₱1.00); one recipient clicked and ordered.
    const week = (campaignId: string, date: string, revenue: number, revenuePerCost: number): object => ({
      campaignId,
      date,
      status: 'completed',
      sent: 2,
      delivered: 1,
      read: 1,
      clicked: 1,
      orders: 1,
      revenue,
      ordersInOtherCurrencies: 0,
      cost: 200,
      costCurrency: 'PHP',
      revenuePerCost,
    });
    expect(series.occurrences).toEqual([week(two, week2!, 50_000, 250), week(one, week1!, 100_000, 500)]);
    expect(series).toMatchObject({
      sent: 4,
      clicked: 2,
      links: [{ url: 'https://shop.example.ph/weekly', clickers: 2, clicks: 2 }],
      attribution: { orders: 2, revenue: 150_000, revenueCurrency: 'PHP', cost: 400, costCurrency: 'PHP', revenuePerCost: 375 },
      optOuts: { sent: 4 },
    });
    // An occurrence's own results are its alone; a one-off campaign lists no occurrences.
    expect(await resultsOf(s, one)).toMatchObject({ sent: 2, occurrences: null, attribution: { orders: 1, revenue: 100_000, cost: 200 } });
    // The figures of the series bucket its occurrences together, adding up to the same totals.
    const days = await api(s.shop).get(`/api/pages/${s.page.id}/campaigns/${id}/figures?bucket=day`);
    expect(days.body.buckets.map((b: { local: string; sends: number; orders: number }) => [b.local, b.sends, b.orders])).toEqual([
      [week1, 2, 1],
      [week2, 2, 1],
    ]);
  });
});
