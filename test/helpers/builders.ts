import { randomInt } from 'node:crypto';
import { ShopsService } from '../../src/shops/shops.service';
import type { TestApp } from './test-app';

export interface TestShop {
  id: string;
  apiKey: string;
  auth: { Authorization: string };
}

export async function aShop(t: TestApp, name = 'Manila Threads'): Promise<TestShop> {
  const { shop, apiKey } = await t.app.get(ShopsService).createShop(name);
  return { id: shop.id, apiKey, auth: { Authorization: `Bearer ${apiKey}` } };
}

/** A Meta-like numeric id, unique enough that tests sharing one MariaDB never collide. */
export const aMetaId = (): string => `${Date.now()}${randomInt(100000, 999999)}`;

export interface PageInput {
  id: string;
  name: string;
  platform: 'facebook' | 'instagram';
  accessToken: string;
  adAccountId?: string;
  systemUserToken?: string;
  pricePerMessage?: number;
  currency?: string;
  locale?: string | null;
}

export function aPageInput(overrides: Partial<PageInput> = {}): PageInput {
  const id = overrides.id ?? aMetaId();
  return { id, name: 'Manila Threads PH', platform: 'facebook', accessToken: `EAAG-page-token-${id}`, ...overrides };
}

/** Ad accounts each sandbox was told about by these builders: their token and every Page given to them so far. */
const knownAdAccounts = new WeakMap<TestApp['meta'], Map<string, { systemUserToken: string; pageIds: Set<string> }>>();

/**
 * Registers at "Meta" (the sandbox) what the plugin will be told: the Page with its access token and, when
 * both are given, the ad account its system-user token can use (Pages added to an ad account it already
 * has, so several Pages can share one). The plugin asks Meta whose a token is before it registers a Page.
 */
export async function registerAtMeta(t: TestApp, input: PageInput): Promise<void> {
  await t.meta.registerPage({ id: input.id, name: input.name, platform: input.platform, accessToken: input.accessToken });
  if (!input.adAccountId || !input.systemUserToken) return;
  const id = input.adAccountId.replace(/^act_/, '');
  const accounts = knownAdAccounts.get(t.meta) ?? new Map<string, { systemUserToken: string; pageIds: Set<string> }>();
  knownAdAccounts.set(t.meta, accounts);
  const known = accounts.get(id);
  const pageIds = known?.systemUserToken === input.systemUserToken ? known.pageIds.add(input.id) : new Set([input.id]);
  accounts.set(id, { systemUserToken: input.systemUserToken, pageIds });
  await t.meta.registerAdAccount({
    id,
    systemUserToken: input.systemUserToken,
    pageIds: [...pageIds],
    pricePerMessage: input.pricePerMessage ?? 100,
  });
}

/** A Page registered both at "Meta" (the sandbox, with its tokens) and in the plugin under the shop. */
export async function aPage(t: TestApp, shop: TestShop, overrides: Partial<PageInput> = {}): Promise<PageInput> {
  const input = aPageInput(overrides);
  await registerAtMeta(t, input);
  const res = await t.http().post('/api/pages').set(shop.auth).send(input);
  if (res.status !== 201) throw new Error(`aPage: ${res.status} ${JSON.stringify(res.body)}`);
  return input;
}

/** The same as aPage (every Page is registered at Meta now); kept for the tests that say "connected". */
export const aConnectedPage = aPage;

let psidCounter = 0;
/** A PSID unique across the run. */
export const aPsid = (): string => `${Date.now()}${String(++psidCounter).padStart(4, '0')}`;

export interface TopicInput {
  title: string;
  imageUrl?: string;
  payload?: string;
  active?: boolean;
}

/** A topic created through the API; returns its id. */
export async function aTopic(t: TestApp, shop: TestShop, pageId: string, overrides: Partial<TopicInput> = {}): Promise<string> {
  const res = await t
    .http()
    .post(`/api/pages/${pageId}/topics`)
    .set(shop.auth)
    .send({ title: `Summer arrivals ${aPsid().slice(-6)}`, ...overrides });
  if (res.status !== 201) throw new Error(`aTopic: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A person who wrote to the Page just now (their window is open), webhook processed. */
export async function aCustomerWhoWrote(
  t: TestApp,
  pageId: string,
  psid = aPsid(),
  text = 'Hi, is this still available?',
): Promise<string> {
  await t.meta.personMessage({ pageId, psid, text });
  await t.settle();
  return psid;
}

/**
 * A customer of the Page who wrote, was sent the topic's opt-in request (through the API) and tapped it:
 * a subscriber, webhook processed. Returns their PSID and subscription token.
 */
export async function aSubscriber(
  t: TestApp,
  shop: TestShop,
  pageId: string,
  topicId: string,
  optin: { tokenExpiresInMs?: number } = {},
): Promise<{ psid: string; token: string }> {
  const psid = await aCustomerWhoWrote(t, pageId);
  const res = await t.http().post(`/api/pages/${pageId}/optin-requests`).set(shop.auth).send({ psid, topicId });
  if (res.status !== 201) throw new Error(`aSubscriber: ${res.status} ${JSON.stringify(res.body)}`);
  const { token } = await t.meta.personOptin({ pageId, psid, ...optin });
  await t.settle();
  return { psid, token };
}

/**
 * An active POS notification rule of the Page for `orderStatus` (CONFIRMED by default), whose sequence
 * thanks the customer for the order and sends the topic's MM button. Returns the rule's and the sequence's ids.
 */
export async function anActiveOrderRule(
  t: TestApp,
  shop: TestShop,
  pageId: string,
  topicId: string,
  orderStatus = 'CONFIRMED',
): Promise<{ ruleId: string; sequenceId: string }> {
  const sequence = await t
    .http()
    .post(`/api/pages/${pageId}/sequences`)
    .set(shop.auth)
    .send({
      name: `Order ${orderStatus.toLowerCase()}`,
      steps: [
        { type: 'text', text: 'Thank you! Order {{order.id}} is {{order.status}}.' },
        { type: 'optin', topicId },
      ],
    });
  if (sequence.status !== 201) throw new Error(`anActiveOrderRule: ${sequence.status} ${JSON.stringify(sequence.body)}`);
  const rule = await t
    .http()
    .post('/api/pos-notification-rules')
    .set(shop.auth)
    .send({ pageId, topicId, orderStatus, sequenceId: sequence.body.id });
  if (rule.status !== 201) throw new Error(`anActiveOrderRule: ${rule.status} ${JSON.stringify(rule.body)}`);
  const activated = await t.http().post(`/api/pos-notification-rules/${rule.body.id}/activate`).set(shop.auth);
  if (activated.status !== 200) throw new Error(`anActiveOrderRule: ${activated.status} ${JSON.stringify(activated.body)}`);
  return { ruleId: rule.body.id as string, sequenceId: sequence.body.id as string };
}
