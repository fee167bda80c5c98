import { type DataSource } from 'typeorm';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { inAmbientTransaction } from '../../src/database/ambient-transaction';
import { SqlDialect } from '../../src/database/sql-dialect';
import { hashToken, SubscriptionsService } from '../../src/optins/subscriptions.service';
import { aBroadcastPage, aTopic as aBroadcastTopic, subscribersOf } from '../helpers/broadcast-builders';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aSubscriber, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const SECOND = 1000;
const HOUR = 3600 * SECOND;

/**
 * Meta retries a failed delivery for up to a day and does not order deliveries (docs/meta-platform.md §3). The
 * sandbox holds its webhooks back (`holdWebhooks`) and releases them late, out of order or twice
 * (`releaseWebhooks(order)`), each signed and stamped with the time the person acted.
 */
describe.each(testDatabases())('late, repeated and out-of-order webhooks on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const subscription = async (shop: TestShop, pageId: string, topicId: string, psid: string) => {
    const res = await t.http().get(`/api/pages/${pageId}/topics/${topicId}/subscribers`).set(shop.auth).expect(200);
    return (res.body.items as Array<{ psid: string; status: string; statusEventAt: string | null }>).find((s) => s.psid === psid);
  };
  const release = async (order?: number[]): Promise<void> => {
    await t.meta.releaseWebhooks(order);
    await t.settle();
  };
  /** A person who wrote and was sent the topic's opt-in request; they have not tapped it yet. */
  const askedToOptIn = async (shop: TestShop, pageId: string, topicId: string): Promise<string> => {
    const psid = await aCustomerWhoWrote(t, pageId);
    await t.http().post(`/api/pages/${pageId}/optin-requests`).set(shop.auth).send({ psid, topicId }).expect(201);
    return psid;
  };
  const aSubscribedCustomer = async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const { psid, token } = await aSubscriber(t, shop, page.id, topicId);
    return { shop, pageId: page.id, topicId, psid, token };
  };

  describe('subscription status', () => {
    it('stays stopped when a RESUME stamped 30 s before the STOP arrives after it', async () => {
      const s = await aSubscribedCustomer();
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid });
      await t.settle();
      await t.advance(60 * SECOND);
      await t.meta.holdWebhooks();
      await t.meta.personResume({ pageId: s.pageId, psid: s.psid }); // held #0, at t − 30 s
      await t.advance(30 * SECOND);
      const stopAt = t.clock.now();
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid }); // held #1, at t
      await release([1, 0]);
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({
        status: 'stopped',
        statusEventAt: stopAt.toISOString(),
      });
    });

    it('stays stopped when Meta delivers a RESUME again (its retry, a day later) after a newer STOP', async () => {
      const s = await aSubscribedCustomer();
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid });
      await t.advance(60 * SECOND);
      await t.meta.personResume({ pageId: s.pageId, psid: s.psid });
      await t.advance(60 * SECOND);
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid });
      await t.settle();
      await t.advance(20 * HOUR);
      await t.meta.redeliverWebhook(1); // the RESUME, in a new delivery
      await t.settle();
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({ status: 'stopped' });
    });

    it('keeps a STOP that arrives before its own opt-in, and applies it when the opt-in comes', async () => {
      const shop = await aShop(t);
      const page = await aConnectedPage(t, shop);
      const topicId = await aTopic(t, shop, page.id);
      const psid = await askedToOptIn(shop, page.id, topicId);
      await t.meta.holdWebhooks();
      await t.meta.personOptin({ pageId: page.id, psid }); // held #0
      await t.advance(45 * SECOND);
      const stopAt = t.clock.now();
      await t.meta.personStop({ pageId: page.id, psid }); // held #1
      await release([1, 0]);
      expect(await subscription(shop, page.id, topicId, psid)).toMatchObject({ status: 'stopped', statusEventAt: stopAt.toISOString() });
    });

    it('applies early STOP, RESUME, STOP all delivered before the opt-in in reverse order: the newest, a STOP, wins', async () => {
      const shop = await aShop(t);
      const page = await aConnectedPage(t, shop);
      const topicId = await aTopic(t, shop, page.id);
      const psid = await askedToOptIn(shop, page.id, topicId);
      await t.meta.holdWebhooks();
      await t.meta.personOptin({ pageId: page.id, psid });
      await t.advance(10 * SECOND);
      await t.meta.personStop({ pageId: page.id, psid });
      await t.advance(10 * SECOND);
      await t.meta.personResume({ pageId: page.id, psid });
      await t.advance(10 * SECOND);
      await t.meta.personStop({ pageId: page.id, psid });
      await release([3, 2, 1, 0]);
      expect(await subscription(shop, page.id, topicId, psid)).toMatchObject({ status: 'stopped' });
    });

    it('does not revive a subscriber when Meta delivers their opt-in again after a later STOP', async () => {
      const s = await aSubscribedCustomer();
      await t.advance(HOUR);
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid });
      await t.settle();
      await t.meta.redeliverWebhook(1); // the opt-in, in a new delivery
      await t.settle();
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({ status: 'stopped' });
    });

    it('keeps the stop a send reported (2300034) when an older RESUME arrives after it', async () => {
      const s = await aSubscribedCustomer();
      await t.meta.holdWebhooks();
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid }); // #0: never delivered
      await t.advance(10 * SECOND);
      await t.meta.personResume({ pageId: s.pageId, psid: s.psid }); // #1: delivered late
      await t.advance(10 * SECOND);
      const [row] = (await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT id FROM subscriptions WHERE token_hash = ?', [hashToken(s.token)])) as Array<{
        id: string;
      }>;
      await t.app.get(SubscriptionsService).markFromSend(row!.id, 'stopped', t.clock.now(), hashToken(s.token));
      await release([1]);
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({ status: 'stopped' });
    });

    it("does not let a send's stale answer for a replaced token touch the new one", async () => {
      const s = await aSubscribedCustomer();
      const [row] = (await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT id FROM subscriptions WHERE token_hash = ?', [hashToken(s.token)])) as Array<{
        id: string;
      }>;
      await t.app.get(SubscriptionsService).markFromSend(row!.id, 'invalid', t.clock.now(), hashToken('a token this row no longer holds'));
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({ status: 'active' });
    });

    it('a reconcile does not unlist a subscriber whose RESUME is newer than the listing it ran on', async () => {
      const s = await aSubscribedCustomer();
      await t.meta.personStop({ pageId: s.pageId, psid: s.psid });
      await t.settle();
      await t.advance(HOUR);
      const listingStartedAt = t.clock.now(); // the listing reads the stopped token's page: not listed
      await t.advance(10 * SECOND);
      await t.meta.personResume({ pageId: s.pageId, psid: s.psid });
      await t.settle();
      await t.app.get(SubscriptionsService).markUnlisted(s.pageId, listingStartedAt);
      expect(await subscription(s.shop, s.pageId, s.topicId, s.psid)).toMatchObject({ status: 'active' });
    });

    it('applies to an imported token a STOP that arrived before the import created its row', async () => {
      const shop = await aShop(t);
      const page = await aConnectedPage(t, shop);
      const prefix = `p${aPsid()}_`;
      await t.meta.bulkTokens({ pageId: page.id, count: 1, title: 'VIP', prefix });
      const listed = (await t.meta.tokens({ pageId: page.id })).data.find((x) => x.psid === `${prefix}0`)!;
      const createdAt = t.clock.now();
      const topicId = await aTopic(t, shop, page.id, { title: 'VIP' });
      await t.advance(10 * SECOND);
      await t.meta.personStop({ pageId: page.id, psid: listed.psid }); // no row yet: kept
      await t.settle();
      // The listing page was read before the STOP; its rows are written after the STOP was processed.
      await t.app
        .get(SubscriptionsService)
        .upsertListed([{ pageId: page.id, psid: listed.psid, topicId, token: listed.token, at: createdAt }], createdAt);
      expect(await subscription(shop, page.id, topicId, listed.psid)).toMatchObject({ status: 'stopped' });
    });
  });

  describe('two workers at once', () => {
    /** As the inbox runs each batch: one transaction; a deadlock victim is retried (the inbox retries the delivery). */
    const asWorker = async (work: () => Promise<unknown>): Promise<void> => {
      for (let attempt = 1; ; attempt++) {
        try {
          await inAmbientTransaction(t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN), work);
          return;
        } catch (error) {
          if (attempt >= 5 || !/deadlock|lock wait/i.test(String(error))) throw error;
        }
      }
    };

    it('end stopped whichever of a STOP and its older opt-in, processed at the same moment, commits first', async () => {
      const shop = await aShop(t);
      const page = await aConnectedPage(t, shop);
      const topicId = await aTopic(t, shop, page.id);
      const subscriptions = t.app.get(SubscriptionsService);
      const optinAt = t.clock.now();
      const stopAt = new Date(optinAt.getTime() + 30 * SECOND);
      const people = Array.from({ length: 20 }, (_, i) => ({ psid: `${aPsid()}${i}`, token: `tok-${aPsid()}-${i}` }));
      await Promise.all(
        people.flatMap(({ psid, token }) => [
          asWorker(() => subscriptions.recordStatusChange({ pageId: page.id, psid, tokenHash: hashToken(token) }, 'stopped', stopAt)),
          asWorker(() => subscriptions.recordOptin({ pageId: page.id, psid, topicId, token, at: optinAt }, null)),
        ]),
      );
      for (const { psid } of people) expect(await subscription(shop, page.id, topicId, psid)).toMatchObject({ status: 'stopped' });
    });
  });

  describe("the person's last inbound time (the 24-hour window)", () => {
    it('never moves back for a late older message, nor for one delivered twice', async () => {
      const shop = await aShop(t);
      const page = await aConnectedPage(t, shop);
      const psid = aPsid();
      await t.meta.holdWebhooks();
      await t.meta.personMessage({ pageId: page.id, psid, text: 'first', deliveries: 2 }); // #0, #1
      await t.advance(HOUR);
      const latest = await t.meta.personMessage({ pageId: page.id, psid, text: 'an hour later' }); // #2
      await release([2, 0, 1]);
      await t.advance(HOUR);
      await t.meta.redeliverWebhook(1); // the first message again, in a new delivery
      await t.settle();
      const [person] = (await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT last_inbound_at FROM people WHERE page_id = ? AND psid = ?', [page.id, psid])) as Array<{
        last_inbound_at: unknown;
      }>;
      expect(SqlDialect.parseTime(person!.last_inbound_at).getTime()).toBe(latest.timestamp);
    });
  });

  describe('delivery and read states of marketing messages', () => {
    const HOURS_2 = 2 * HOUR;
    /** One subscriber sent one campaign's message (no automatic echo/delivery webhooks); returns its tracking id and row. */
    const aSentMessage = async () => {
      const shop = await aShop(t);
      const page = await aBroadcastPage(t, shop);
      const topic = await aBroadcastTopic(t, shop, page.id);
      await subscribersOf(t, page.id, topic, 1);
      const created = await t
        .http()
        .post(`/api/pages/${page.id}/campaigns`)
        .set(shop.auth)
        .send({ name: 'Payday sale', topicId: topic.id, content: { type: 'text', text: '20% off today!' } })
        .expect(201);
      const at = new Date(t.clock.now().getTime() + HOURS_2).toISOString();
      await t.http().post(`/api/pages/${page.id}/campaigns/${created.body.id}/schedule`).set(shop.auth).send({ at }).expect(200);
      await t.advance(HOURS_2);
      await t.app.get(BroadcastWorker).tick();
      await t.app.get(BroadcastWorker).runPass();
      const [row] = (await t.app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT id, tracking_id FROM campaign_deliveries WHERE campaign_id = ?', [created.body.id])) as Array<{
        id: string | number;
        tracking_id: string;
      }>;
      const progress = async () =>
        (await t.http().get(`/api/pages/${page.id}/campaigns/${created.body.id}/progress`).set(shop.auth).expect(200)).body;
      const state = async () => {
        const [r] = (await t.app
          .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
          .query('SELECT status, reason, delivered_at, read_at, clicked_at, failed_at FROM campaign_deliveries WHERE id = ?', [
            row!.id,
          ])) as Array<Record<string, unknown>>;
        const time = (v: unknown) => (v === null ? null : SqlDialect.parseTime(v).getTime());
        return {
          status: r!.status,
          reason: r!.reason,
          deliveredAt: time(r!.delivered_at),
          readAt: time(r!.read_at),
          clickedAt: time(r!.clicked_at),
          failedAt: time(r!.failed_at),
        };
      };
      return { trackingId: row!.tracking_id, state, progress };
    };

    it('keeps the read, and the delivery its own time, when the delivery webhook arrives after the read', async () => {
      const m = await aSentMessage();
      await t.meta.holdWebhooks();
      const delivered = await t.meta.marketingSendWebhook({ trackingId: m.trackingId, field: 'marketing_message_deliveries' }); // #0
      await t.advance(5 * 60 * SECOND);
      const read = await t.meta.marketingSendWebhook({ trackingId: m.trackingId, field: 'marketing_message_reads' }); // #1
      await release([1, 0, 1]);
      expect(await m.state()).toMatchObject({ status: 'sent', deliveredAt: delivered.timestamp, readAt: read.timestamp });
      expect(await m.progress()).toMatchObject({ sent: 1, delivered: 1, read: 1, failed: 0 });
    });

    it('does not fail a message Meta delivered when the failure is reported after the delivery, nor before it', async () => {
      const after = await aSentMessage();
      await t.meta.marketingSendWebhook({ trackingId: after.trackingId, field: 'marketing_message_deliveries' });
      await t.advance(SECOND);
      await t.meta.marketingSendWebhook({ trackingId: after.trackingId, field: 'marketing_message_delivery_failed' });
      await t.settle();
      expect(await after.state()).toMatchObject({ status: 'sent', reason: null });
      expect(await after.progress()).toMatchObject({ sent: 1, delivered: 1, failed: 0 });

      const before = await aSentMessage();
      await t.meta.holdWebhooks();
      const delivered = await t.meta.marketingSendWebhook({ trackingId: before.trackingId, field: 'marketing_message_deliveries' }); // #0
      await t.advance(SECOND);
      const failed = await t.meta.marketingSendWebhook({ trackingId: before.trackingId, field: 'marketing_message_delivery_failed' }); // #1
      await release([1, 0]);
      expect(await before.state()).toMatchObject({
        status: 'sent',
        reason: null,
        deliveredAt: delivered.timestamp,
        failedAt: failed.timestamp,
      });
      expect(await before.progress()).toMatchObject({ sent: 1, delivered: 1, failed: 0 });
    });

    it('fails a message Meta reports failed and never delivered, and a click counts as read and delivered', async () => {
      const failed = await aSentMessage();
      await t.meta.marketingSendWebhook({ trackingId: failed.trackingId, field: 'marketing_message_delivery_failed' });
      await t.settle();
      expect(await failed.state()).toMatchObject({ status: 'failed', reason: 'delivery_failed' });

      const clicked = await aSentMessage();
      const click = await t.meta.marketingSendWebhook({ trackingId: clicked.trackingId, field: 'marketing_message_clicks' });
      await t.settle();
      expect(await clicked.state()).toMatchObject({
        status: 'sent',
        deliveredAt: click.timestamp,
        readAt: click.timestamp,
        clickedAt: click.timestamp,
      });
    });
  });
});
