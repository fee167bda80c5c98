import { join } from 'node:path';
import type { Page as BrowserPage } from 'playwright-core';
import { ResultsJobs } from '../../src/results/results-jobs';
import { aMetaId } from '../helpers/builders';
import { SCREENSHOTS } from '../helpers/browser';
import { consoleSession } from '../helpers/console-session';
import type { TestApp } from '../helpers/test-app';

// The campaign results in the console, in a real browser against the real app, its worker loops and the
// bundled sandbox (as `npm start` runs them). SQLite only, as console.e2e-spec.ts: the console is a client
// of the HTTP API, whose results on MariaDB test/e2e/campaign-results.e2e-spec.ts covers.
jest.setTimeout(180_000);

interface Received {
  source: string;
  message: { text?: string; attachment?: { payload: { elements: Array<{ buttons: Array<{ url: string }> }> } } };
}

describe('Campaign results in the console (SQLite, bundled sandbox)', () => {
  const session = consoleSession();
  const { check } = session;
  let t: TestApp;
  let page: BrowserPage;
  beforeAll(() => ({ app: t, page } = session));
  let auth: { Authorization: string };
  const pageId = aMetaId();
  const TET = 'Tết sale';
  const AB = 'Ưu đãi cuối tuần';

  const api = (method: 'get' | 'post' | 'put' | 'patch', path: string, body?: object) => t.http()[method](path).set(auth).send(body);
  /** Polls the API (the worker loops run on real timers) until `done` holds; fails after 30 s. */
  const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`still not there after 30 s: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const results = async (id: string) => (await api('get', `/api/pages/${pageId}/campaigns/${id}/results`)).body;
  /** Subscribers of a new topic, made at "Meta" and imported, as a shop moving to the plugin would. */
  const topicWithSubscribers = async (title: string, prefix: string, count: number): Promise<{ topicId: string; psids: string[] }> => {
    const topic = await api('post', `/api/pages/${pageId}/topics`, { title });
    expect(topic.status).toBe(201);
    await t.meta.bulkTokens({ pageId, count, title, timezone: 'Asia/Ho_Chi_Minh', prefix });
    expect((await api('post', `/api/pages/${pageId}/subscribers/import`)).status).toBeLessThan(300);
    const psids = (await t.meta.tokens({ pageId, limit: 1000 })).data.map((r) => r.psid).filter((p) => p.startsWith(prefix));
    expect(psids).toHaveLength(count);
    return { topicId: topic.body.id as string, psids };
  };
  const marketingMessages = async (psid: string): Promise<Received['message'][]> =>
    ((await t.meta.received(pageId, psid)) as unknown as Received[]).filter((i) => i.source === 'marketing_message').map((i) => i.message);
  /** The customer's browser following the tracked button of the message: our redirect, counted. */
  const follow = async (message: Received['message']): Promise<void> => {
    const url = message.attachment!.payload.elements[0]!.buttons[0]!.url;
    const res = await t.http().get(new URL(url).pathname).set('User-Agent', 'Mozilla/5.0 (iPhone) Messenger').redirects(0);
    expect(res.status).toBe(302);
  };
  const campaignRow = (name: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });

  it('signs in to a Vietnamese demo shop with a VND Page', async () => {
    const demo = await t.http().post('/api/sandbox/demo-shop').send({ name: 'Sài Gòn Threads', locale: 'vi-VN' });
    expect(demo.status).toBe(201);
    auth = { Authorization: `Bearer ${demo.body.apiKey}` };
    const registered = await api('post', '/api/pages', {
      id: pageId,
      name: 'Sài Gòn Threads',
      platform: 'facebook',
      accessToken: 'EAAGpagetoken0123456789',
      adAccountId: `act_${aMetaId()}`,
      systemUserToken: 'EAAGsystemusertoken0123456789',
      currency: 'VND',
      pricePerMessage: 500,
    });
    expect(registered.status).toBe(201);
    // Meta's one-hour warm-up shortened to 5 s, the demo setting of the local run.
    expect((await api('put', '/api/sandbox/warm-up', { warmUpSeconds: 5 })).status).toBe(200);

    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Your shop's API key").fill(demo.body.apiKey as string);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pages' }).waitFor();
  });

  it('a click on the tracked link and a CONFIRMED order show on the results: 1 click, 1 order, its revenue in VND, the sends over time', async () => {
    const { topicId, psids } = await topicWithSubscribers('Hàng mới về', '84100', 5);
    const created = await api('post', `/api/pages/${pageId}/campaigns`, {
      name: TET,
      topicId,
      content: {
        type: 'generic',
        elements: [
          {
            title: 'Áo dài Tết',
            subtitle: 'Giảm 30%',
            buttons: [{ type: 'web_url', title: 'Mua ngay', url: 'https://shop.example.vn/tet' }],
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const scheduled = await api('post', `/api/pages/${pageId}/campaigns/${id}/schedule`, {});
    expect(scheduled.status).toBe(200);
    // The notice tells the warm-up in force: the demo's 5 s, not Meta's hour.
    expect(scheduled.body.notice).toContain("Meta needs 5 s here (the sandbox's demo warm-up; Meta's is one hour)");
    await t.advance(6_000);
    await eventually(
      async () => (await api('get', `/api/pages/${pageId}/campaigns/${id}/progress`)).body,
      (p) => p.status === 'completed',
    );

    // The first customer opens the link from Messenger and, an hour later, the POS confirms their order.
    await follow((await marketingMessages(psids[0]!))[0]!);
    await t.advance(60 * 60_000);
    const order = await api('post', '/api/pos/order-events', {
      orderId: 'DH-1001',
      pageId,
      customerPsid: psids[0],
      status: 'CONFIRMED',
      occurredAt: t.clock.now().toISOString(),
      total: 1_250_000,
    });
    expect(order.status).toBe(202);

    await page.evaluate(`location.hash = '#/campaigns'`);
    await campaignRow(TET).getByRole('button', { name: 'Results' }).click();
    const view = page.getByTestId('campaign-results');
    await view.getByRole('heading', { name: `Results: ${TET}` }).waitFor();
    await view.getByTestId('result-sent').filter({ hasText: /^5$/ }).waitFor();
    await view.getByTestId('result-clicked').filter({ hasText: /^1$/ }).waitFor();
    await view.getByTestId('result-orders').filter({ hasText: /^1$/ }).waitFor();
    // 1,250,000 đồng: VND has no minor digits, so the integer is the amount itself.
    await view.getByTestId('result-revenue').filter({ hasText: '₫1,250,000' }).waitFor();
    // 5 messages at ₫500: ₫2,500, and 1,250,000 / 2,500 = 500 times the cost.
    await view.getByTestId('result-cost').filter({ hasText: '₫2,500' }).waitFor();
    await view.getByTestId('result-revenue-per-cost').filter({ hasText: '500×' }).waitFor();
    const link = view.getByTestId('links').getByRole('row').filter({ hasText: 'Mua ngay' });
    await link.getByText('https://shop.example.vn/tet').waitFor();
    await link.getByTestId('link-clicks').filter({ hasText: /^1$/ }).waitFor();
    await link.getByTestId('link-clickers').filter({ hasText: /^1$/ }).waitFor();

    // The chart draws the sends (bars) of the hour they went out in, 09:00 in Hồ Chí Minh City; the table says how many.
    const figures = (await api('get', `/api/pages/${pageId}/campaigns/${id}/figures?bucket=hour`)).body;
    expect(figures.buckets.map((b: { local: string; sends: number }) => [b.local, b.sends])).toEqual([
      ['2026-06-01T09', 5],
      ['2026-06-01T10', 0],
    ]);
    expect(await view.getByTestId('activity-chart').locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    await view.getByRole('button', { name: 'The figures as a table' }).click();
    const hour = view.getByTestId('figures-table').getByRole('row').filter({ hasText: '06/01, 09:00' });
    await hour.getByRole('cell', { name: '5', exact: true }).waitFor();
    await view.getByTestId('figures-table').getByRole('row').filter({ hasText: '₫1,250,000' }).waitFor();
    await check('r1-campaign-results');
    await page.setViewportSize({ width: 1100, height: 900 });
    // The results card alone, for the README.
    await page.mouse.move(0, 0);
    await view.screenshot({ path: join(SCREENSHOTS, 'docs-campaign-results.png') });
    await page.setViewportSize({ width: 390, height: 844 });

    await view.locator('label').filter({ hasText: 'By day' }).click();
    await view
      .getByTestId('figures-table')
      .getByRole('row')
      .filter({ hasText: '06/01' })
      .getByRole('cell', { name: '5', exact: true })
      .waitFor();

    // The live progress of the campaign, opened after it ran, starts from the sends it already made.
    await campaignRow(TET).getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('progress').locator('.recharts-cartesian-axis-tick-value').filter({ hasText: '09:00–10:00' }).waitFor();
  });

  it('sets up an A/B test and the results settings on a draft, with the API’s field errors on their inputs', async () => {
    const { topicId } = await topicWithSubscribers('Cuối tuần', '84200', 6);
    const created = await api('post', `/api/pages/${pageId}/campaigns`, {
      name: AB,
      topicId,
      content: { type: 'text', text: 'Cuối tuần này giảm 20% toàn bộ cửa hàng!' },
    });
    expect(created.status).toBe(201);
    await page.reload();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await campaignRow(AB).getByRole('button', { name: 'A/B test & settings' }).click();
    const view = page.getByTestId('campaign-results');
    await view.getByTestId('variant-a').filter({ hasText: 'Cuối tuần này giảm 20%' }).waitFor();

    await view.getByLabel('Message (B)').fill('Chỉ 2 ngày: giảm 20% mọi mẫu áo!');
    await view.getByRole('button', { name: 'Add a variant' }).click();
    const c = view.locator('.ant-card').filter({ has: page.getByText('Variant C', { exact: true }) });
    await c.getByRole('radio', { name: 'Card with a link button' }).check({ force: true });
    await view.getByLabel('Card title (C)').fill('Giảm 20% cuối tuần');
    await view.getByLabel('Button text (C)').fill('Xem ngay');
    await view.getByLabel('Link (C)').fill('shop.example.vn/cuoi-tuan');
    await view.getByLabel('Test share (% of the audience)').fill('50');
    await view.getByLabel('Decide after (minutes)').fill('15');
    await view.getByRole('button', { name: 'Save the A/B test' }).click();
    // The API names `variants.1.elements.0.buttons.0.url`: the console shows it under variant C's link.
    await page.locator('#abTest_variants_1_url_help').filter({ hasText: 'Must be an https URL' }).waitFor();
    await check('r2-ab-test-field-error');
    await view.getByLabel('Link (C)').fill('https://shop.example.vn/cuoi-tuan');
    await view.getByRole('button', { name: 'Save the A/B test' }).click();
    await view.getByTestId('ab-saved').waitFor();
    const test = (await api('get', `/api/pages/${pageId}/campaigns/${created.body.id}/ab-test`)).body;
    expect(test).toMatchObject({
      testSharePercent: 50,
      testDurationMinutes: 15,
      metric: 'click_rate',
      variants: [
        { type: 'text', text: 'Chỉ 2 ngày: giảm 20% mọi mẫu áo!' },
        {
          type: 'generic',
          elements: [
            { title: 'Giảm 20% cuối tuần', buttons: [{ type: 'web_url', title: 'Xem ngay', url: 'https://shop.example.vn/cuoi-tuan' }] },
          ],
        },
      ],
    });

    // Settings: a click window over the API's 720 hours is refused, and the console says so under that input.
    await view.getByRole('tab', { name: 'Settings' }).click();
    const own = page.locator('form#campaignSettings');
    await own.getByLabel('Attribution after a click (hours)').fill('1000');
    await own.getByRole('button', { name: 'Save' }).click();
    await page.locator('#campaignSettings_attributionClickHours_help').filter({ hasText: 'Too large' }).waitFor();
    await check('r3-settings-field-error');
    await own.getByLabel('Attribution after a click (hours)').fill('48');
    // This campaign pauses itself from its first message when 10 % opt out (the shop's default waits for 50 sent).
    await own.getByLabel('Pause when opt-outs reach (%)').fill('10');
    await own.getByLabel('Judge opt-outs after (messages sent)').fill('1');
    await own.getByLabel('utm_source').fill('messenger');
    await own.getByRole('button', { name: 'Save' }).click();
    await view.getByTestId('campaign-settings-saved').waitFor();
    await own.getByText('Set for this campaign').first().waitFor();
    expect((await api('get', `/api/pages/${pageId}/campaigns/${created.body.id}/results-settings`)).body).toMatchObject({
      attributionClickHours: 48,
      attributionDeliveredHours: 24,
      optOutPauseThresholdPercent: 10,
      optOutMinSent: 1,
      utm: { source: 'messenger' },
      overrides: ['attributionClickHours', 'optOutPauseThresholdPercent', 'optOutMinSent', 'utm'],
    });
    // The shop's defaults stay as they were.
    expect((await api('get', '/api/results-settings')).body).toEqual({
      attributionDeliveredHours: 24,
      attributionClickHours: 168,
      optOutPauseThresholdPercent: 3,
      optOutMinSent: 50,
    });
  });

  it('pauses the A/B test campaign for its opt-outs, says so, resumes on request, and shows the variants’ figures and the winner', async () => {
    const campaigns = (await api('get', `/api/pages/${pageId}/campaigns`)).body as Array<{ id: string; name: string }>;
    const id = campaigns.find((c) => c.name === AB)!.id;
    expect((await api('post', `/api/pages/${pageId}/campaigns/${id}/schedule`, {})).status).toBe(200);
    await t.advance(6_000);
    // Half of the 6 (the test share) receive a variant each; the other half wait for the winner.
    await eventually(
      () => results(id),
      (r) => r.sent === 3,
    );
    const psids = (await t.meta.tokens({ pageId, limit: 1000 })).data.map((r) => r.psid).filter((p) => p.startsWith('84200'));
    const got = await Promise.all(psids.map(async (psid) => ({ psid, messages: await marketingMessages(psid) })));
    const withCard = got.find((g) => g.messages[0]?.attachment);
    const withB = got.find((g) => g.messages[0]?.text?.startsWith('Chỉ 2 ngày'));
    expect(withCard && withB).toBeTruthy();

    // C's recipient opens its link; B's sends STOP: 1 of 3 opted out, over this campaign's 10 %.
    await follow(withCard!.messages[0]!);
    await t.meta.personStop({ pageId, psid: withB!.psid });
    await t.settle();
    await t.app.get(ResultsJobs).runOnce();
    expect((await api('get', `/api/pages/${pageId}/campaigns/${id}`)).body.pause).toMatchObject({ reason: 'opt_out_rate_exceeded' });

    const view = page.getByTestId('campaign-results');
    await view.getByRole('button', { name: 'Refresh' }).click();
    const notice = view.getByTestId('opt-out-notice');
    await notice.getByText('Paused: too many customers opted out').waitFor();
    await notice
      .getByText('33.3% of the people who received it (1 of 3) sent STOP or unsubscribed within a day, reaching your limit of 10%.')
      .waitFor();
    await view.getByRole('tab', { name: 'Results' }).click();
    await view.getByTestId('result-opt-out').filter({ hasText: '33.3%' }).waitFor();
    await check('r4-paused-for-opt-outs');
    await notice.getByRole('button', { name: 'Resume anyway' }).click();
    // Resumed, it says what happened, and will not pause again for this.
    await notice.getByText('This campaign paused itself once because of its opt-out rate and was resumed.').waitFor();
    expect((await api('get', `/api/pages/${pageId}/campaigns/${id}`)).body.status).toBe('running');

    // 15 minutes after the split the variant with the better click rate wins: C, the one that was clicked.
    await t.advance(15 * 60_000);
    expect((await t.app.get(ResultsJobs).runOnce()).decided).toEqual([id]);
    await view.getByRole('tab', { name: 'A/B test' }).click();
    await view.getByRole('button', { name: 'Refresh' }).click();
    const state = view.getByTestId('ab-state');
    await state.getByText(/^Variant C won by click rate at/).waitFor();
    // Decided on C: 1 of 1 clicked, against 0 of 1 for A and B.
    const decision = state.getByRole('region', { name: 'The figures the winner was chosen on' });
    const rowC = decision.getByRole('row').filter({ has: page.getByTestId('ab-winner') });
    await rowC.getByRole('cell', { name: /^C/ }).waitFor();
    await rowC.getByRole('cell', { name: '100%', exact: true }).waitFor();
    // A's and B's click and order rates, and C's order rate (nobody ordered).
    expect(await decision.getByRole('cell', { name: '0%', exact: true }).count()).toBe(5);
    await check('r5-ab-test-winner');
    // The rest of the audience receives the winner.
    await eventually(
      () => results(id),
      (r) => r.sent === 6,
    );
  });

  it('removes a draft’s A/B test and its own results settings', async () => {
    const { topicId } = await topicWithSubscribers('Flash sale', '84300', 2);
    const created = await api('post', `/api/pages/${pageId}/campaigns`, {
      name: 'Flash sale',
      topicId,
      content: { type: 'text', text: 'Flash sale tonight: 30% off!' },
    });
    const path = `/api/pages/${pageId}/campaigns/${created.body.id}`;
    const abTest = { variants: [{ type: 'text', text: 'Two hours only: 30% off!' }], testSharePercent: 20, testDurationMinutes: 60 };
    expect((await api('put', `${path}/ab-test`, abTest)).status).toBe(200);
    expect((await api('put', `${path}/results-settings`, { attributionClickHours: 48 })).status).toBe(200);
    await page.reload();
    await page.getByRole('heading', { name: 'Campaigns' }).waitFor();
    await campaignRow('Flash sale').getByRole('button', { name: 'A/B test & settings' }).click();
    const view = page.getByTestId('campaign-results');
    const b = view.getByLabel('Message (B)');
    await expect(b.inputValue()).resolves.toBe('Two hours only: 30% off!');
    await view.getByRole('button', { name: 'Remove the A/B test' }).click();
    await view.getByRole('button', { name: 'Remove the A/B test' }).waitFor({ state: 'detached' });
    await expect(b.inputValue()).resolves.toBe('');
    expect((await api('get', `${path}/ab-test`)).status).toBe(404);

    await view.getByRole('tab', { name: 'Settings' }).click();
    const own = page.locator('form#campaignSettings');
    await own.getByText('Set for this campaign').waitFor();
    await own.getByRole('button', { name: "Use the shop's settings" }).click();
    await own.getByRole('button', { name: "Use the shop's settings" }).waitFor({ state: 'detached' });
    await expect(own.getByLabel('Attribution after a click (hours)').inputValue()).resolves.toBe('168');
    expect((await api('get', `${path}/results-settings`)).body).toMatchObject({ attributionClickHours: 168, overrides: [] });
    await check('r5-ab-test-removed-settings-reset');
    await page.reload();
  });

  it('shows the results in Vietnamese, the revenue as 1.250.000 ₫', async () => {
    await page.getByLabel('Language', { exact: true }).click({ force: true });
    await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .filter({ hasText: 'Tiếng Việt' })
      .click();
    await page.getByRole('heading', { name: 'Chiến dịch', exact: true }).waitFor();
    await campaignRow(TET).getByRole('button', { name: 'Kết quả' }).click();
    const view = page.getByTestId('campaign-results');
    await view.getByRole('heading', { name: `Kết quả: ${TET}` }).waitFor();
    await view
      .getByTestId('result-revenue')
      .filter({ hasText: /^1\.250\.000\s₫$/ })
      .waitFor();
    await view.getByText('Lượt bấm theo liên kết').waitFor();
    await check('r6-vi-campaign-results');
  });
});
