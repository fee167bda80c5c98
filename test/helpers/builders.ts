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

export async function aPage(t: TestApp, shop: TestShop, overrides: Partial<PageInput> = {}): Promise<PageInput> {
  const input = aPageInput(overrides);
  const res = await t.http().post('/api/pages').set(shop.auth).send(input);
  if (res.status !== 201) throw new Error(`aPage: ${res.status} ${JSON.stringify(res.body)}`);
  return input;
}

/** A Page registered both at "Meta" (the sandbox, with its token) and in the plugin under the shop. */
export async function aConnectedPage(t: TestApp, shop: TestShop, overrides: Partial<PageInput> = {}): Promise<PageInput> {
  const input = aPageInput(overrides);
  await t.meta.registerPage({ id: input.id, name: input.name, platform: input.platform, accessToken: input.accessToken });
  if (input.adAccountId && input.systemUserToken) {
    await t.meta.registerAdAccount({
      id: input.adAccountId.replace(/^act_/, ''),
      systemUserToken: input.systemUserToken,
      pageIds: [input.id],
      pricePerMessage: input.pricePerMessage ?? 100,
    });
  }
  await aPage(t, shop, input);
  return input;
}

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
