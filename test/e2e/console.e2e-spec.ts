import type { Page as BrowserPage } from 'playwright-core';
import { aMetaId, aShop } from '../helpers/builders';
import { screenshot } from '../helpers/browser';
import { consoleSession } from '../helpers/console-session';
import { startTestApp, type TestApp } from '../helpers/test-app';

// The console in a real browser (Debian's chromium through playwright-core) against the real app, its
// worker loops and the bundled sandbox, as `npm start` runs them. SQLite only: the console is a client
// of the HTTP API, whose behaviour on MariaDB the other end-to-end suites cover; a second database would
// double the browser time and test nothing the browser sees differently.
jest.setTimeout(120_000);

describe('The console in a browser (SQLite, bundled sandbox)', () => {
  const session = consoleSession();
  const { go, check, choose } = session;
  let t: TestApp;
  let page: BrowserPage;
  beforeAll(() => ({ app: t, page } = session));
  let auth: { Authorization: string };
  const pageId = aMetaId();
  const customer = '900000001';
  const topicTitle = 'Hàng mới về';

  const api = (method: 'get' | 'post' | 'put', path: string, body?: object) => t.http()[method](path).set(auth).send(body);

  it('refuses an unknown key, creates a demo shop, signs in with its key and connects a Page', async () => {
    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Your shop's API key").fill('mmk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'unknown or revoked' }).waitFor();
    await check('01-sign-in-refused');

    // A newcomer in sandbox mode creates a shop from the sign-in screen, sees its key once, and signs in with it.
    await page.getByLabel('Shop name').fill('Manila Threads');
    await page.getByRole('button', { name: 'Create a demo shop' }).click();
    const apiKey = (await page.getByTestId('demo-key').textContent())!.trim();
    expect(apiKey).toMatch(/^mmk_/);
    auth = { Authorization: `Bearer ${apiKey}` };
    await page.getByRole('button', { name: 'Sign in' }).last().click();
    await page.getByRole('heading', { name: 'Pages' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("mm.apiKey")')).toBe(apiKey);

    await page.getByLabel('Page name').fill('Manila Threads PH');
    await page.getByLabel('Page id').fill(pageId);
    await page.getByLabel('Page access token').fill('EAAGpagetoken0123456789');
    await page.getByLabel('Ad account id (for broadcasts)').fill(`act_${aMetaId()}`);
    await page.getByLabel('System user token').fill('EAAGsystemusertoken0123456789');
    // The price is typed as a shop owner reads it, ₱1.00, in the currency typed above; the API holds 100 centavos.
    await page.getByLabel('Currency').fill('XYZ');
    await page.getByLabel('Price per message').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#page_currency_help').filter({ hasText: 'Not a currency Meta lists' }).waitFor();
    await page.getByLabel('Currency').fill('php');
    await page.getByLabel('Price per message (PHP)').fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Ready to broadcast').waitFor();
    await page.getByTestId('page-price').filter({ hasText: '₱1.00 per message' }).waitFor();
    expect((await api('get', '/api/pages')).body[0]).toMatchObject({ currency: 'PHP', pricePerMessage: 100 });
    await check('02-pages');
  });

  it('creates a topic, with Meta’s length shown live and the API’s field error next to the title', async () => {
    await go('topics');
    const title = page.getByLabel('Title', { exact: true });
    // 60 emoji are 120 UTF-16 units: over Meta's 65 although only 60 "characters" to the eye.
    await title.fill('👍'.repeat(60));
    await page.getByTestId('title-counter').filter({ hasText: '120 / 65' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    // The API refuses it (400 naming `title`); the console shows it under the field, not in a corner.
    await page.locator('#topic_title_help .ant-form-item-explain-error').waitFor();
    await check('03-topic-too-long');

    await title.fill(topicTitle);
    await page
      .getByTestId('title-counter')
      .filter({ hasText: `${topicTitle.normalize('NFC').length} / 65` })
      .waitFor();
    await expect(page.getByTestId('optin-preview').textContent()).resolves.toContain(topicTitle);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: topicTitle }).waitFor();
    await page.getByRole('cell', { name: '0 active' }).waitFor();
    await check('04-topic-list');
  });

  it('creates a sequence with the MM button placed by choosing the topic', async () => {
    await go('sequences');
    await page.getByLabel('Name', { exact: true }).fill('Order confirmed');
    await page.getByRole('button', { name: 'Add a text' }).click();
    await page.getByLabel('Text', { exact: true }).fill('Thanks {{customer.name}}! Order {{order.id}} is confirmed.');
    await page.getByRole('button', { name: 'Add the MM button' }).click();
    await choose('Topic (MM button)', topicTitle);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`MM button: ${topicTitle}`).waitFor();
    await check('05-sequences');
  });

  it('adds a POS rule, activates it, and counts an order event sent through the API', async () => {
    await go('pos');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await choose('Topic', topicTitle);
    await choose('Sequence', 'Order confirmed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText("Don't forget to Activate").waitFor();
    await page.getByRole('switch', { name: 'Activate' }).click();
    await page.getByText('Active', { exact: true }).waitFor();

    // A customer who never wrote is skipped, and the console says why in words.
    const order = (orderId: string, psid: string) => ({
      orderId,
      pageId,
      customerPsid: psid,
      status: 'CONFIRMED',
      occurredAt: t.clock.now().toISOString(),
      customerName: 'Maria',
      total: 125000,
      currency: 'PHP',
    });
    expect((await api('post', '/api/pos/order-events', order('PO-1', '900000009'))).status).toBe(202);

    // The customer writes to the Page from the simulator, then the POS confirms their order.
    await go('simulator');
    await page.getByLabel('Customer PSID').fill(customer);
    await page.getByRole('button', { name: 'Write to the Page' }).click();
    await page.getByText('Done').first().waitFor();
    await t.settle();
    const res = await api('post', '/api/pos/order-events', order('PO-2', customer));
    expect(res.status).toBe(202);
    expect(res.body.dispatched).toHaveLength(1);

    await go('pos');
    await page.getByTestId('dispatched').filter({ hasText: '1' }).waitFor();
    await page.getByTestId('sent').filter({ hasText: '1' }).waitFor();
    await page
      .getByTestId('skipped-reasons')
      .filter({ hasText: 'The customer has not written to the Page in the last 24 hours: 1' })
      .waitFor();
    await page
      .getByTestId('skipped-events')
      .filter({ hasText: 'PO-1 · 900000009' })
      .filter({ hasText: 'The customer never wrote to the Page' })
      .waitFor();
    await check('06-pos-rule-counted');

    // The customer taps the MM button they received: subscribed.
    await go('simulator');
    await page.getByTestId('inbox').filter({ hasText: topicTitle }).waitFor();
    await page.getByRole('button', { name: 'Tap the MM button' }).click();
    await page.getByText('Done').first().waitFor();
    await check('07-simulator');
    await t.settle();
    await go('pos');
    await page.getByTestId('subscribed').filter({ hasText: '1' }).waitFor();
  });

  it('creates and schedules a campaign with the demo warm-up and watches it complete, pushed live', async () => {
    // More subscribers, already at Meta (imported), and a slow rate so the run can be watched.
    await t.meta.bulkTokens({ pageId, count: 89, title: topicTitle, timezone: 'Asia/Manila', prefix: '7700' });
    expect((await api('post', `/api/pages/${pageId}/subscribers/import`)).status).toBeLessThan(300);
    expect(
      (await api('put', `/api/pages/${pageId}/broadcast-settings`, { periodHours: 24, ratePerSecond: 10, concurrency: 4 })).status,
    ).toBe(200);

    await go('simulator');
    await page.getByLabel('Warm-up (seconds)').fill('10');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('warm-up-state').filter({ hasText: 'Demo warm-up: 10 s' }).waitFor();

    await go('campaigns');
    await page.getByLabel('Name', { exact: true }).fill('Payday sale');
    await choose('Topic', topicTitle);
    await page.getByLabel('Message', { exact: true }).fill('Payday sale: 20% off everything until Sunday!');
    // In the Page currency's main unit, as a shop owner thinks of it: ₱1,000 is 100000 centavos to the API.
    await page.getByLabel('Budget (PHP)').fill('1000');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('audience').filter({ hasText: '90' }).waitFor();
    await check('08-campaign-draft');

    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByTestId('campaign-status').filter({ hasText: 'Scheduled' }).waitFor();
    // The 10 s demo warm-up passes (both clocks move), the worker starts the campaign; the page is told by SSE.
    await t.advance(11_000);
    await page.getByTestId('campaign-status').filter({ hasText: 'Running' }).waitFor();
    await page.getByTestId('progress-sent').filter({ hasNotText: /^0$/ }).waitFor();
    await page.setViewportSize({ width: 1100, height: 900 });
    await screenshot(page, 'docs-campaign-running');
    await page.setViewportSize({ width: 390, height: 844 });
    await check('09-campaign-running');

    await page.getByTestId('campaign-status').filter({ hasText: 'Completed' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('progress-sent').filter({ hasText: '90' }).waitFor();
    await check('10-campaign-completed');
    const progress = await api('get', `/api/pages/${pageId}/campaigns`);
    expect(progress.body[0]).toMatchObject({ status: 'completed', budget: { type: 'lifetime', amount: 100_000 } });
  });

  it('lists the subscribers of the topic', async () => {
    await go('subscribers');
    await page.getByRole('cell', { name: customer }).waitFor();
    await page.getByLabel('Search by PSID').fill('77000');
    await page.getByRole('cell', { name: customer }).waitFor({ state: 'detached' });
    await check('11-subscribers');
  });

  it('creates a flow with the MM button for the topic and a keyword answering with it, which fires when the customer writes it', async () => {
    await go('flows');
    await page.getByLabel('Name', { exact: true }).fill('Payday offer');
    await page.getByLabel('Ref (m.me link or ad)').fill('payday-flyer');
    await page.getByLabel('Question', { exact: true }).fill('Payday sale next week! Get a message when it starts?');
    const yes = page.getByLabel('Reply that leads to the MM button');
    // Over Meta's 20 characters for a quick reply: the API's refusal shows under that field.
    await yes.fill('Yes please, notify me when it starts');
    await page.getByLabel('Other reply (optional)').fill('No thanks');
    await choose('Topic (MM button)', topicTitle);
    await page.getByLabel('If refused', { exact: true }).fill('You are already on the list 💛');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.locator('#flow_yes_help .ant-form-item-explain-error').filter({ hasText: 'Wrong length' }).waitFor();
    await yes.fill('Yes, notify me');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const flow = page.getByTestId('flow').filter({ hasText: 'Payday offer' });
    await flow.getByTestId('flow-version').filter({ hasText: 'Version 1' }).waitFor();
    await flow.getByText(`MM button: ${topicTitle}`).waitFor();

    // Editing the nodes (as JSON) saves version 2.
    await flow.getByRole('button', { name: 'Edit (saves a new version)' }).click();
    const nodes = flow.getByLabel('Nodes (JSON)');
    await nodes.fill((await nodes.inputValue()).replace('next week', 'this Friday'));
    await flow.getByRole('button', { name: 'Save as a new version' }).click();
    await flow.getByTestId('flow-version').filter({ hasText: 'Version 2' }).waitFor();
    await flow.getByText('this Friday').waitFor();
    await check('11a-flows');

    await go('keywords');
    await page.getByLabel('Phrases (one a line)').fill('khuyến mãi\npayday');
    await choose('Flow', 'Payday offer (v2)');
    await page.getByLabel('Priority', { exact: true }).fill('10');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const keyword = page.getByTestId('keyword').filter({ hasText: 'payday' });
    await keyword.getByText('Flow: Payday offer').waitFor();
    await keyword.getByTestId('fired').filter({ hasText: '0' }).waitFor();

    // The customer (subscribed above) writes the keyword without accents from the simulator: the flow answers.
    await go('simulator');
    await page.getByLabel('Message', { exact: true }).fill('Khuyen mai?');
    await page.getByRole('button', { name: 'Write to the Page' }).click();
    await t.settle();
    await page.getByTestId('inbox').filter({ hasText: 'this Friday' }).waitFor();
    // They tap "Yes, notify me": the MM button is refused (already subscribed) and the "if refused" text goes out.
    await t.meta.personTapsQuickReply({ pageId, psid: customer, title: 'Yes, notify me' });
    await t.settle();
    await page.getByTestId('inbox').filter({ hasText: 'You are already on the list' }).waitFor();

    await go('keywords');
    await keyword.getByTestId('fired').filter({ hasText: '1' }).waitFor();
    await keyword.getByTestId('refused-reasons').filter({ hasText: 'Already subscribed to this topic: 1' }).waitFor();
    await check('11b-keywords');
  });

  it('switches to Vietnamese, remembers it, and shows the same screens translated', async () => {
    await go('topics');
    await page.setViewportSize({ width: 1100, height: 900 });
    await screenshot(page, 'docs-topic-list');
    await page.setViewportSize({ width: 390, height: 844 });
    await choose('Language', 'Tiếng Việt');
    await page.getByRole('heading', { name: 'Chủ đề MM' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Chủ đề MM' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('vi');
    await page
      .getByRole('cell', { name: /đang nhận/ })
      .first()
      .waitFor();
    await check('12-vi-topics');
    for (const [screen, heading] of [
      ['pages', 'Trang'],
      ['sequences', 'Chuỗi tin nhắn'],
      ['flows', 'Kịch bản'],
      ['keywords', 'Từ khóa'],
      ['pos', 'Thông báo POS'],
      ['campaigns', 'Chiến dịch'],
      ['subscribers', 'Người đăng ký'],
      ['simulator', 'Mô phỏng khách hàng (chỉ sandbox)'],
    ]) {
      await go(screen!);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      // Each screen passed axe in English above; in Vietnamese the screenshot shows the translation.
      await screenshot(page, `13-vi-${screen}`);
    }
    await go('pos');
    await page.getByText('Đã kích hoạt').first().waitFor();
    await go('topics');
    // An API error in Vietnamese, next to its field.
    await page.getByLabel('Tiêu đề', { exact: true }).fill(topicTitle);
    await page.getByRole('button', { name: 'Lưu' }).click();
    await page.locator('#topic_title_help').filter({ hasText: 'Đã có chủ đề với tiêu đề này' }).waitFor();
    await check('14-vi-field-error');
  });

  it('animates only for a user who has not asked for reduced motion, and follows a change of that setting', async () => {
    // The browser of these specs prefers reduced motion (test/helpers/browser.ts): no transition at all.
    // Strings, not functions: they run in the page, and this project's type check has no DOM types.
    const still = '/^0s(, 0s)*$/.test(getComputedStyle(document.querySelector(".ant-btn-primary")).transitionDuration)';
    expect(await page.evaluate<boolean>(still)).toBe(true);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.waitForFunction(`!${still}`);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.waitForFunction(still);
  });

  it('goes back to sign-in when the key is refused (401)', async () => {
    await page.evaluate('sessionStorage.setItem("mm.apiKey", "mmk_revoked")');
    await page.reload();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    expect(await page.evaluate('sessionStorage.getItem("mm.apiKey")')).toBeNull();
  });
});

describe('The console against a real Graph URL (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('refuses the demo shop, the demo warm-up and the customer simulator, naming the field', async () => {
    expect((await t.http().get('/api/sandbox/demo-shop')).body).toEqual({ available: false });
    const demo = await t.http().post('/api/sandbox/demo-shop').send({ name: 'Demo' });
    expect(demo.status).toBe(409);
    expect(demo.body.error).toBe('sandbox_only');
    const shop = await aShop(t);
    const state = await t.http().get('/api/sandbox').set(shop.auth);
    expect(state.body).toEqual({ sandbox: false, warmUpMs: 3_600_000, metaWarmUpMs: 3_600_000, demo: false });
    const refused = await t.http().put('/api/sandbox/warm-up').set(shop.auth).send({ warmUpSeconds: 10 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'sandbox_only', fields: [{ field: 'warmUpSeconds', rule: 'sandbox_only' }] });
    const tap = await t.http().post(`/api/sandbox/pages/${aMetaId()}/customer/optin`).set(shop.auth).send({ psid: '900000001' });
    expect(tap.status).toBe(409);
    expect(tap.body.error).toBe('sandbox_only');
    expect((await t.http().get('/api/sandbox').set(shop.auth)).body.warmUpMs).toBe(3_600_000);
  });

  it('serves the console at /console', async () => {
    const res = await t.http().get('/console/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="root">');
  });
});
