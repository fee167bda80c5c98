import { FakeGraphServer, metaError } from '../test/fake-graph-server';
import { APP_SECRET, PAGE_ID, PAGE_TOKEN, PSID, SYSTEM_TOKEN, aClient } from '../test/test-client';
import { appSecretProof } from './graph-transport';
import { buildTextMessage } from './message-builders';
import { REDACTED, redactText, redactUrl } from './redact';

const SUBSCRIPTION_TOKEN = 'subscription-token-secret-7788';
const SECRETS = [
  SYSTEM_TOKEN,
  PAGE_TOKEN,
  SUBSCRIPTION_TOKEN,
  APP_SECRET,
  appSecretProof(SYSTEM_TOKEN, APP_SECRET),
  appSecretProof(PAGE_TOKEN, APP_SECRET),
];

const expectNoSecret = (text: string): void => {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('secrets stay out of errors and logs', () => {
  let server: FakeGraphServer;

  beforeAll(async () => {
    server = await FakeGraphServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('scrubs tokens Meta echoes in its message, across retries, timeouts and refusals', async () => {
    const t = aClient(server.baseUrl, { timeoutMs: 100 });
    const send = () =>
      t.client.sendMarketingMessage(SYSTEM_TOKEN, '777', {
        messageCampaignId: '1',
        subscriptionToken: SUBSCRIPTION_TOKEN,
        message: buildTextMessage('Hi'),
      });
    const results: unknown[] = [];

    server.answerInOrder(metaError(100, { subcode: 2300004, message: `Token ${SUBSCRIPTION_TOKEN} cannot be loaded for ${SYSTEM_TOKEN}` }));
    results.push(await send());
    server.answerInOrder(
      metaError(190, { message: `Invalid OAuth access token ${PAGE_TOKEN} proof ${appSecretProof(PAGE_TOKEN, APP_SECRET)}` }),
    );
    results.push(await t.client.sendText(PAGE_TOKEN, PAGE_ID, PSID, 'Hi'));
    server.answerInOrder({ status: 500 }, metaError(2, { status: 503, message: `retry ${SYSTEM_TOKEN}` }));
    results.push(await t.client.getCampaignInsights(SYSTEM_TOKEN, '1'));
    server.answerInOrder({ hang: true });
    results.push(await send());
    t.client.close();

    const closed = await FakeGraphServer.start();
    const refusedUrl = closed.baseUrl;
    await closed.stop();
    const refused = aClient(refusedUrl);
    results.push(await refused.client.listSubscriptionTokens(PAGE_TOKEN, PAGE_ID));
    refused.client.close();

    expect(results.map((r) => (r as { ok: boolean }).ok)).toEqual([false, false, false, false, false]);
    expect(JSON.stringify(results)).toContain(REDACTED);
    expectNoSecret(JSON.stringify(results));
    expect(t.logs.length + refused.logs.length).toBeGreaterThan(0);
    expectNoSecret(JSON.stringify([...t.logs, ...refused.logs]));
    expect(JSON.stringify(t.logs)).toContain(`access_token=${REDACTED}`);
  });

  it('redactUrl hides every secret query parameter and keeps the rest', () => {
    const url = `https://graph.facebook.com/v23.0/1/messages?access_token=${PAGE_TOKEN}&appsecret_proof=abc&limit=5`;
    expect(redactUrl(url)).toBe(`https://graph.facebook.com/v23.0/1/messages?access_token=${REDACTED}&appsecret_proof=${REDACTED}&limit=5`);
  });

  it('redactText also catches access-token-shaped strings nobody listed', () => {
    expect(redactText('bad token EAAB1234567890abcdefghijKLMNOP here', [])).toBe(`bad token ${REDACTED} here`);
  });
});
