import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { earliestLocalInstant } from '../../src/broadcasts/broadcast-time';
import { addDays, localDateOf, wallTimeToInstant } from '../../src/common/local-time';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';
import { RecurringCampaigns } from '../../src/broadcasts/recurring-campaigns';
import { aShop } from '../helpers/builders';
import {
  aBroadcastPage,
  aDraftCampaign,
  aTopic,
  sandboxSendsOf,
  setSubscriptionTimezone,
  subscribersOf,
} from '../helpers/broadcast-builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import type { DataSource } from 'typeorm';

const HOUR = 3_600_000;

describe.each(testDatabases())('Recurring campaigns on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background loops: the test ticks the scheduler and runs the worker's passes itself.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const advanceTo = async (at: number): Promise<void> => {
    const delta = at - t.clock.now().getTime();
    if (delta > 0) await t.advance(delta);
  };

  it("a yearly campaign runs its occurrence on the sandbox clock's next June 1st at 09:00 local time for each subscriber, once, as a campaign of its own", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const [manila, newYork, noZone] = await subscribersOf(t, page.id, topic, 3);
    await setSubscriptionTimezone(t, newYork!.subscriptionId, 'America/New_York');
    await setSubscriptionTimezone(t, noZone!.subscriptionId, null);
    const api = {
      post: (path: string, body: object) => t.http().post(`/api/pages/${page.id}${path}`).set(shop.auth).send(body),
      get: (path: string) => t.http().get(`/api/pages/${page.id}${path}`).set(shop.auth),
    };

    const created = await api.post('/campaigns', {
      name: 'Summer arrivals',
      topicId: topic.id,
      content: { type: 'text', text: 'Summer is here: the new linen collection' },
      budget: { type: 'lifetime', amount: 50_000 },
    });
    expect(created.status).toBe(201);
    const series = await api.post(`/campaigns/${created.body.id}/repeat`, {
      rule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1',
      time: '09:00',
      fallbackTimezone: 'Asia/Ho_Chi_Minh',
    });
    expect(series.status).toBe(200);
    expect(series.body).toMatchObject({
      status: 'scheduled',
      recurrence: { rule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1', time: '09:00', mode: 'local', fallbackTimezone: 'Asia/Ho_Chi_Minh' },
    });

    // The sandbox clock's next June 1st whose 09:00 can still be reached after Meta's hour of warm-up.
    const now = t.clock.now();
    let year = now.getUTCFullYear();
    if (earliestLocalInstant(`${year}-06-01`, '09:00').getTime() < now.getTime() + HOUR) year += 1;
    const date = `${year}-06-01`;
    const firstSend = earliestLocalInstant(date, '09:00').getTime(); // 09:00 on Kiritimati (UTC+14)
    const at0900 = (utcOffsetHours: number): number => Date.parse(`${date}T09:00:00Z`) - utcOffsetHours * HOUR;

    const worker = t.app.get(BroadcastWorker);
    expect(await worker.tick()).toEqual([]);
    await advanceTo(firstSend - 7 * HOUR);
    await worker.tick();
    expect((await api.get(`/campaigns/${created.body.id}/occurrences`)).body).toEqual([]);

    // Six hours before its first send the occurrence is made and scheduled; two processes ticking at once make it once.
    await advanceTo(firstSend - 6 * HOUR);
    const recurring = t.app.get(RecurringCampaigns);
    await Promise.all([recurring.tick(), recurring.tick(), worker.tick()]);
    const occurrences = await api.get(`/campaigns/${created.body.id}/occurrences`);
    expect(occurrences.body).toHaveLength(1);
    const occurrence = occurrences.body[0];
    expect(occurrence).toMatchObject({
      name: `Summer arrivals (${date})`,
      status: 'scheduled',
      occurrence: { seriesId: created.body.id, date },
      budget: { type: 'lifetime', amount: 50_000 },
      schedule: { type: 'local_time', localDate: date, localTime: '09:00', fallbackTimezone: 'Asia/Ho_Chi_Minh' },
      metaCampaignId: expect.any(String),
    });
    expect(occurrence.metaCampaignId).not.toBe(series.body.metaCampaignId);

    await advanceTo(firstSend);
    expect(await worker.tick()).toEqual([occurrence.id]);
    const sent = async (): Promise<string[]> => (await sandboxSendsOf(t, occurrence.metaCampaignId)).map((x) => x.psid);
    await worker.runPass();
    expect(await sent()).toEqual([]);
    await advanceTo(at0900(8)); // Manila
    await worker.runPass();
    expect(await sent()).toEqual([manila!.psid]);
    await advanceTo(at0900(7)); // Ho Chi Minh City, the fallback zone of the subscriber who reported none
    await worker.runPass();
    expect(await sent()).toEqual([manila!.psid, noZone!.psid]);
    await advanceTo(at0900(-4) - 60_000); // a minute before 09:00 in New York (summer time)
    await worker.runPass();
    expect(await sent()).toHaveLength(2);
    await advanceTo(at0900(-4));
    await worker.runPass();
    expect(await sent()).toEqual([manila!.psid, noZone!.psid, newYork!.psid]);

    // Its own progress and cost; the series itself sent nothing, and waits for next year.
    const progress = await api.get(`/campaigns/${occurrence.id}/progress`);
    expect(progress.body).toMatchObject({ status: 'completed', audience: 3, sent: 3, cost: { spent: 300, budget: 50_000 } });
    await worker.tick();
    expect((await api.get(`/campaigns/${created.body.id}/occurrences`)).body).toHaveLength(1);
    expect((await api.get(`/campaigns/${created.body.id}`)).body).toMatchObject({ status: 'scheduled', cost: { sent: 0 } });
  });

  it('deleting an occurrence skips its date: the tick does not make it again, nothing is sent that day, and the next dates still come', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 2);
    const api = {
      post: (path: string, body: object) => t.http().post(`/api/pages/${page.id}${path}`).set(shop.auth).send(body),
      get: (path: string) => t.http().get(`/api/pages/${page.id}${path}`).set(shop.auth),
      delete: (path: string) => t.http().delete(`/api/pages/${page.id}${path}`).set(shop.auth),
    };
    const created = await api.post('/campaigns', {
      name: 'Weekly deals',
      topicId: topic.id,
      content: { type: 'text', text: 'This week only' },
    });
    const from = addDays(localDateOf(t.clock.now(), 'Asia/Manila'), 2);
    const series = await api.post(`/campaigns/${created.body.id}/repeat`, {
      rule: 'FREQ=WEEKLY',
      time: '09:00',
      mode: 'page',
      from,
      fallbackTimezone: 'Asia/Manila',
    });
    expect(series.status).toBe(200);
    const [first, second, third] = [0, 7, 14].map((days) => addDays(from, days));
    const nineInManila = (date: string): number => wallTimeToInstant(date, '09:00', 'Asia/Manila').getTime();
    const worker = t.app.get(BroadcastWorker);
    const occurrences = async (): Promise<Array<{ id: string; status: string; occurrence: { date: string }; metaCampaignId: string }>> =>
      (await api.get(`/campaigns/${created.body.id}/occurrences`)).body;
    const statusByDate = async (): Promise<Record<string, string>> =>
      Object.fromEntries((await occurrences()).map((o) => [o.occurrence.date, o.status]));

    // The first date is made and scheduled six hours ahead; the shop owner deletes it: skip that week.
    await advanceTo(nineInManila(first!) - 6 * HOUR);
    await worker.tick();
    const [made] = await occurrences();
    expect(made).toMatchObject({ status: 'scheduled', occurrence: { date: first } });
    expect((await api.delete(`/campaigns/${made!.id}`)).status).toBe(204);
    expect(await statusByDate()).toEqual({ [first!]: 'canceled' });
    // The series itself is not a draft and cannot be deleted; cancel stops it.
    expect((await api.delete(`/campaigns/${created.body.id}`)).status).toBe(409);

    // Ticking past the skipped date makes nothing again and sends nothing.
    await advanceTo(nineInManila(first!) - 5 * HOUR);
    await worker.tick();
    await advanceTo(nineInManila(first!) + HOUR);
    expect(await worker.tick()).toEqual([]);
    await worker.runPass();
    expect(await statusByDate()).toEqual({ [first!]: 'canceled' });
    expect(await sandboxSendsOf(t, made!.metaCampaignId)).toEqual([]);

    // The next week comes. A crash between making and scheduling it would leave a draft (which the next tick
    // schedules); deleted as a draft it is skipped all the same.
    await advanceTo(nineInManila(second!) - 6 * HOUR);
    await worker.tick();
    const next = (await occurrences()).find((o) => o.occurrence.date === second)!;
    expect(next.status).toBe('scheduled');
    await t.app
      .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
      .query(
        "UPDATE campaigns SET status = 'draft', meta_campaign_id = NULL, meta_created_at = NULL, scheduled_at = NULL, schedule_type = NULL WHERE id = ?",
        [next.id],
      );
    expect((await api.delete(`/campaigns/${next.id}`)).status).toBe(204);
    await worker.tick();
    expect(await statusByDate()).toEqual({ [first!]: 'canceled', [second!]: 'canceled' });

    // And the week after is made and sent as usual.
    await advanceTo(nineInManila(third!) - 6 * HOUR);
    await worker.tick();
    const last = (await occurrences()).find((o) => o.occurrence.date === third)!;
    expect(last.status).toBe('scheduled');
    await advanceTo(nineInManila(third!));
    expect(await worker.tick()).toEqual([last.id]);
    await worker.runPass();
    expect(await sandboxSendsOf(t, last.metaCampaignId)).toHaveLength(2);
    // A running occurrence is canceled, not deleted.
    const running = await api.delete(`/campaigns/${last.id}`);
    expect([running.status, running.body.error]).toEqual([409, 'campaign_not_draft']);
  });

  it('refuses a rule that is not a yearly, monthly or weekly RFC 5545 rule, naming the field', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const draft = await aDraftCampaign(t, shop, page.id, topic.id);
    // Each names the part that is wrong; before, the first was a 500 (a TypeError in rrule) and the next ones "no date (e.g. February 30th)".
    const refusals: Array<[string, string]> = [
      ['FREQ=DAILY', 'FREQ'],
      ['every June', 'not a NAME=VALUE part'],
      ['FREQ=YEARLY;BYHOUR=9', 'BYHOUR'],
      ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY=XX'],
      ['FREQ=YEARLY;BYMONTH=13', 'BYMONTH=13'],
      ['FREQ=MONTHLY;BYMONTHDAY=40', 'BYMONTHDAY=40'],
      ['FREQ=WEEKLY;INTERVAL=0', 'INTERVAL=0'],
      ['FREQ=WEEKLY;COUNT=0', 'COUNT=0'],
      ['FREQ=WEEKLY;UNTIL=garbage', 'UNTIL=GARBAGE'],
      ['FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400', 'BYSETPOS=400'],
      ['FREQ=MONTHLY;BYSETPOS=1', 'BYSETPOS'],
      ['FREQ=WEEKLY;FOO=1', 'FOO'],
      ['FREQ=WEEKLY;BYDAY=1MO', 'BYDAY=1MO'],
    ];
    for (const [rule, part] of refusals) {
      const res = await t.http().post(`/api/pages/${page.id}/campaigns/${draft.id}/repeat`).set(shop.auth).send({ rule, time: '09:00' });
      expect([rule, res.status, res.body.fields?.[0]?.field]).toEqual([rule, 400, 'rule']);
      expect(res.body.fields[0].message).toContain(part);
    }
    // Still a draft: nothing was half-made by the refusals.
    expect((await t.http().get(`/api/pages/${page.id}/campaigns/${draft.id}`).set(shop.auth)).body).toMatchObject({
      status: 'draft',
      recurrence: null,
    });
    const badTime = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns/${draft.id}/repeat`)
      .set(shop.auth)
      .send({ rule: 'FREQ=WEEKLY;BYDAY=MO', time: '25:00' });
    expect(badTime.status).toBe(400);
    expect(badTime.body.fields[0].field).toBe('time');
  });

  it("a weekly series whose first date is too soon for Meta's warm-up says so: that date is skipped (logged once), and the next week is made", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    await subscribersOf(t, page.id, topic, 1);
    const api = {
      post: (path: string, body: object) => t.http().post(`/api/pages/${page.id}${path}`).set(shop.auth).send(body),
      get: (path: string) => t.http().get(`/api/pages/${page.id}${path}`).set(shop.auth),
    };
    const created = await api.post('/campaigns', { name: 'Monday deals', topicId: topic.id, content: { type: 'text', text: 'Deals' } });
    const nineInManila = (date: string): number => wallTimeToInstant(date, '09:00', 'Asia/Manila').getTime();
    const first = addDays(localDateOf(t.clock.now(), 'Asia/Manila'), 2);
    const second = addDays(first, 7);
    // 09:00 on the first date is an hour away: inside Meta's hour of warm-up + 5 minutes.
    await advanceTo(nineInManila(first) - HOUR);

    const series = await api.post(`/campaigns/${created.body.id}/repeat`, {
      rule: 'FREQ=WEEKLY',
      time: '09:00',
      mode: 'page',
      from: first,
      fallbackTimezone: 'Asia/Manila',
    });
    expect(series.status).toBe(200);
    expect(series.body.status).toBe('scheduled');
    expect(series.body.notice).toContain(`Skipped ${first}`);
    expect(series.body.notice).toContain(`The first occurrence is ${second}`);

    const skipLogs = (): Array<Record<string, unknown>> =>
      t.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((l) => l.seriesId === created.body.id && typeof l.msg === 'string' && l.msg.includes('skipped'));
    expect(skipLogs()).toEqual([expect.objectContaining({ level: 'warn', date: first, firstDate: second })]);

    // The ticks until the next week's lead make nothing, and log nothing more.
    const worker = t.app.get(BroadcastWorker);
    await worker.tick();
    await advanceTo(nineInManila(first) + HOUR);
    await worker.tick();
    expect((await api.get(`/campaigns/${created.body.id}/occurrences`)).body).toEqual([]);
    expect(skipLogs()).toHaveLength(1);

    // Six hours before the second date it is made and scheduled; the tick that made it logs the skipped date, once.
    await advanceTo(nineInManila(second) - 6 * HOUR);
    await Promise.all([worker.tick(), worker.tick()]);
    await worker.tick();
    const occurrences = (await api.get(`/campaigns/${created.body.id}/occurrences`)).body;
    expect(occurrences).toEqual([
      expect.objectContaining({ status: 'scheduled', occurrence: { seriesId: created.body.id, date: second } }),
    ]);
    expect(skipLogs()).toEqual([
      expect.objectContaining({ msg: 'series date skipped: too soon for Meta warm-up', date: first }),
      expect.objectContaining({ msg: 'occurrence skipped: too late for Meta warm-up', level: 'warn', date: first }),
    ]);
  });

  it("refuses a rule whose every date is too soon for Meta's warm-up, naming the rule", async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topic = await aTopic(t, shop, page.id);
    const draft = await aDraftCampaign(t, shop, page.id, topic.id);
    const inHalfAnHour = new Date(t.clock.now().getTime() + HOUR / 2);
    const res = await t
      .http()
      .post(`/api/pages/${page.id}/campaigns/${draft.id}/repeat`)
      .set(shop.auth)
      .send({
        rule: 'FREQ=WEEKLY;COUNT=1',
        time: inHalfAnHour.toISOString().slice(11, 16),
        mode: 'page',
        from: inHalfAnHour.toISOString().slice(0, 10),
        fallbackTimezone: 'UTC',
      });
    expect([res.status, res.body.fields?.[0]?.field]).toEqual([400, 'rule']);
    expect(res.body.fields[0].message).toContain("Meta's warm-up + 5 minutes");
  });
});
