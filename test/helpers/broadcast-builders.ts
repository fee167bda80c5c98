import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { TokenCipher } from '../../src/common/token-cipher';
import { SqlDialect } from '../../src/database/sql-dialect';
import { hashToken } from '../../src/optins/subscriptions.service';
import { aConnectedPage, aMetaId, type PageInput, type TestShop } from './builders';
import type { TestApp } from './test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

/** A Page ready to broadcast: its ad account and system-user token registered at "Meta" and in the plugin. */
export async function aBroadcastPage(t: TestApp, shop: TestShop, overrides: Partial<PageInput> = {}): Promise<PageInput> {
  const adAccountId = overrides.adAccountId ?? aMetaId();
  return aConnectedPage(t, shop, { adAccountId, systemUserToken: `EAAB-system-user-${adAccountId}`, pricePerMessage: 100, ...overrides });
}

export interface TestTopic {
  id: string;
  title: string;
}

export async function aTopic(
  t: TestApp,
  shop: TestShop,
  pageId: string,
  title = `Payday deals ${randomUUID().slice(0, 6)}`,
): Promise<TestTopic> {
  const res = await t.http().post(`/api/pages/${pageId}/topics`).set(shop.auth).send({ title });
  if (res.status !== 201) throw new Error(`aTopic: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: (res.body as { id: string }).id, title };
}

/** A draft campaign of the topic (a text message; `overrides` replace any field of the create body). */
export async function aDraftCampaign(
  t: TestApp,
  shop: TestShop,
  pageId: string,
  topicId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string }> {
  const res = await t
    .http()
    .post(`/api/pages/${pageId}/campaigns`)
    .set(shop.auth)
    .send({ name: 'Payday sale', topicId, content: { type: 'text', text: 'Hi!' }, ...overrides });
  if (res.status !== 201) throw new Error(`aDraftCampaign: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: (res.body as { id: string }).id };
}

export interface TestSubscriber {
  subscriptionId: string;
  psid: string;
  token: string;
}

export interface SubscribersOptions {
  timezone?: string | null;
  /** Rows written per INSERT. */
  chunk?: number;
}

/**
 * `count` people of the Page who opted in to the topic: tokens made at "Meta" in bulk (no webhooks),
 * and their subscription rows written directly, encrypted with the app's TokenCipher, as Optins
 * would have stored them from the opt-in webhooks.
 */
export async function subscribersOf(
  t: TestApp,
  pageId: string,
  topic: TestTopic,
  count: number,
  options: SubscribersOptions = {},
): Promise<TestSubscriber[]> {
  // Digits only, as Meta's PSIDs are (the API refuses others); a fixed length, so no call's prefix starts another's.
  const prefix = String(randomInt(100_000_000_000, 1_000_000_000_000));
  const timezone = options.timezone === undefined ? 'Asia/Manila' : options.timezone;
  await t.meta.bulkTokens({ pageId, count, title: topic.title, prefix, ...(timezone ? { timezone } : {}) });
  const made: TestSubscriber[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await t.meta.tokens({ pageId, offset, limit: 5000 });
    for (const row of page.data)
      if (row.psid.startsWith(prefix)) made.push({ subscriptionId: randomUUID(), psid: row.psid, token: row.token });
    if (offset + 5000 >= page.total) break;
  }
  if (made.length !== count) throw new Error(`subscribersOf: expected ${count} tokens, found ${made.length}`);
  const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
  const cipher = t.app.get(TokenCipher);
  const dialect = new SqlDialect(dataSource);
  const now = dialect.time(t.clock.now());
  const chunk = options.chunk ?? 1000;
  for (let i = 0; i < made.length; i += chunk) {
    const rows = made.slice(i, i + chunk);
    await dataSource.query(
      `INSERT INTO subscriptions (id, page_id, psid, topic_id, token_enc, token_hash, status, timezone, source, opted_in_at, status_changed_at, updated_at)
       VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, 'active', ?, 'optin', ?, ?, ?)").join(', ')}`,
      rows.flatMap((s) => [
        s.subscriptionId,
        pageId,
        s.psid,
        topic.id,
        cipher.encrypt(s.token),
        hashToken(s.token),
        timezone,
        now,
        now,
        now,
      ]),
    );
  }
  return made;
}

/** Sets a subscription's status as Optins would after a STOP webhook or the shop's unsubscribe. */
export async function setSubscriptionStatus(t: TestApp, subscriptionId: string, status: 'stopped' | 'unsubscribed'): Promise<void> {
  const dataSource = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
  const now = new SqlDialect(dataSource).time(t.clock.now());
  await dataSource.query('UPDATE subscriptions SET status = ?, status_changed_at = ?, updated_at = ? WHERE id = ?', [
    status,
    now,
    now,
    subscriptionId,
  ]);
}

export async function setSubscriptionTimezone(t: TestApp, subscriptionId: string, timezone: string | null): Promise<void> {
  await t.app
    .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
    .query('UPDATE subscriptions SET timezone = ? WHERE id = ?', [timezone, subscriptionId]);
}

/** Every marketing send the sandbox accepted for one Meta campaign. */
export async function sandboxSendsOf(
  t: TestApp,
  metaCampaignId: string,
): Promise<Array<{ token: string; psid: string; trackingId: string; time: number }>> {
  const all: Array<{ token: string; psid: string; trackingId: string; time: number }> = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await t.meta.marketingSends({ campaignId: metaCampaignId, offset, limit: 5000 });
    all.push(...page.data);
    if (offset + 5000 >= page.total) break;
  }
  return all;
}

export async function deliveryRows(
  t: TestApp,
  campaignId: string,
): Promise<Array<{ id: string; subscription_id: string; status: string; reason: string | null; tracking_id: string | null }>> {
  const rows = (await t.app
    .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
    .query('SELECT id, subscription_id, status, reason, tracking_id FROM campaign_deliveries WHERE campaign_id = ? ORDER BY id', [
      campaignId,
    ])) as Array<{
    id: string | number;
    subscription_id: string;
    status: string;
    reason: string | null;
    tracking_id: string | null;
  }>;
  return rows.map((r) => ({ ...r, id: String(r.id) }));
}

/**
 * Posts, signed as Meta would, the `marketing_message_echoes` webhook of a send the sandbox recorded:
 * the echo a worker that died after sending never saw, which the reconciliation settles rows by.
 */
export async function replayMarketingEcho(
  t: TestApp,
  pageId: string,
  send: { token: string; psid: string; trackingId: string; time: number },
  metaCampaignId: string,
  appSecret: string,
): Promise<void> {
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: send.time,
        changes: [
          {
            field: 'marketing_message_echoes',
            value: {
              page_id: pageId,
              timestamp: send.time,
              messenger_subscription_token: send.token,
              message_id: metaCampaignId,
              marketing_message_tracking_id: send.trackingId,
              recipient_id: send.psid,
            },
          },
        ],
      },
    ],
  });
  const signature = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
  const res = await t
    .http()
    .post('/webhooks/messenger')
    .set('Content-Type', 'application/json')
    .set('X-Hub-Signature-256', signature)
    .send(body);
  if (res.status !== 200) throw new Error(`replayMarketingEcho: ${res.status}`);
}
