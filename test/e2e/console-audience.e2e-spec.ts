import type { Page as BrowserPage } from 'playwright-core';
import { earliestLocalInstant } from '../../src/broadcasts/broadcast-time';
import { OCCURRENCE_LEAD_MS } from '../../src/broadcasts/recurring-campaigns';
import { aBroadcastPage, aTopic } from '../helpers/broadcast-builders';
import type { PageInput, TestShop } from '../helpers/builders';
import { screenshot } from '../helpers/browser';
import { consoleSession } from '../helpers/console-session';
import type { TestApp } from '../helpers/test-app';

// The Audience screen, segments in the campaign form and repeating campaigns, in a real browser (Debian's
// chromium through playwright-core) against the real app, its worker loops and the bundled sandbox. SQLite
// only, as test/e2e/console.e2e-spec.ts explains: the routes behind these screens run on both databases in
// audience.e2e-spec.ts and recurring-campaigns.e2e-spec.ts.
jest.setTimeout(120_000);

const DAY = 86_400_000;

describe('Audience segments and repeating campaigns in the console (SQLite, bundled sandbox)', () => {
  const session = consoleSession();
  const { go, check, choose } = session;
  let t: TestApp;
  let page: BrowserPage;
  let shop: TestShop;
  let fbPage: PageInput;
  const topicTitle = 'Khách quen';
  const segmentName = 'Big spenders, 90 days';

  /**
   * Eight subscribers of the topic and what the POS reported of their orders (VND, days before now); `big`
   * says whether they ordered in the last 90 days and spent at least 1,000,000 ₫ on orders that count.
   */
  const customers = [
    { psid: '88000', orders: [{ total: 1_200_000, daysAgo: 10 }], big: true },
    {
      psid: '88001',
      orders: [
        { total: 600_000, daysAgo: 80 },
        { total: 500_000, daysAgo: 5 },
      ],
      big: true,
    },
    // Spent enough, but the last order is 120 days old.
    { psid: '88002', orders: [{ total: 2_000_000, daysAgo: 120 }], big: false },
    // Ordered lately, but 900,000 ₫ only.
    { psid: '88003', orders: [{ total: 900_000, daysAgo: 3 }], big: false },
    // A big order, canceled: it counts neither as an order nor as money spent.
    { psid: '88004', orders: [{ total: 1_500_000, daysAgo: 3, canceledDaysAgo: 2 }], big: false },
    // Exactly 1,000,000 ₫ is "at least".
    { psid: '88005', orders: [{ total: 1_000_000, daysAgo: 30 }], big: true },
    { psid: '88006', orders: [], big: false },
    { psid: '88007', orders: [], big: false },
  ];
  const bigSpenders = customers.filter((c) => c.big).length;
  const orderedIn90Days = customers.filter((c) => c.orders.some((o) => o.daysAgo <= 90 && !('canceledDaysAgo' in o))).length;

  beforeAll(async () => {
    ({ app: t, page } = session);

    // A Vietnamese shop (its currency VND) as the sign-in screen's demo makes it, with a Page and a topic.
    const demo = await t.http().post('/api/sandbox/demo-shop').send({ name: 'Sài Gòn Linen', locale: 'vi-VN' });
    expect(demo.status).toBe(201);
    shop = { id: demo.body.shopId, apiKey: demo.body.apiKey, auth: { Authorization: `Bearer ${demo.body.apiKey}` } };
    fbPage = await aBroadcastPage(t, shop, { name: 'Sài Gòn Linen' });
    await aTopic(t, shop, fbPage.id, topicTitle);
    // The topic's subscribers, already at Meta, imported through the API.
    await t.meta.bulkTokens({
      pageId: fbPage.id,
      count: customers.length,
      title: topicTitle,
      timezone: 'Asia/Ho_Chi_Minh',
      prefix: '8800',
    });
    expect((await api('post', `/api/pages/${fbPage.id}/subscribers/import`)).status).toBe(200);

    // The POS reports their orders; and a customer who never subscribed ordered a lot (not in the topic, never counted).
    let n = 0;
    const order = async (psid: string, orderId: string, status: string, daysAgo: number, total?: number) => {
      const res = await api('post', '/api/pos/order-events', {
        orderId,
        pageId: fbPage.id,
        customerPsid: psid,
        status,
        occurredAt: new Date(t.clock.now().getTime() - daysAgo * DAY).toISOString(),
        ...(total !== undefined && { total, currency: 'VND' }),
      });
      expect(res.status).toBe(202);
    };
    for (const c of customers)
      for (const o of c.orders) {
        const orderId = `SG-${++n}`;
        await order(c.psid, orderId, 'CONFIRMED', o.daysAgo, o.total);
        if ('canceledDaysAgo' in o) await order(c.psid, orderId, 'CANCELED', o.canceledDaysAgo);
      }
    await order('99001', 'SG-99', 'DELIVERED', 1, 3_000_000);

    await page.goto(`${t.url}/console/`);
    await page.getByLabel("Your shop's API key").fill(shop.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Pages' }).waitFor();
  }, 120_000);

  function api(method: 'get' | 'post' | 'put', path: string, body?: object) {
    return t.http()[method](path).set(shop.auth).send(body);
  }
  const countLine = () => page.getByTestId('audience-count-line');

  it('looks a customer up: their orders as the POS reported them, and tags set from the console', async () => {
    await go('audience');
    await page.getByRole('heading', { name: 'Audience' }).waitFor();
    await page.getByLabel('Customer PSID').fill('88001');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('customer-orders').filter({ hasText: /^2$/ }).waitFor();
    await page.getByTestId('customer-spent').filter({ hasText: '₫1,100,000' }).waitFor();
    const tags = page.getByLabel('Tags', { exact: true });
    await tags.fill('VIP');
    await tags.press('Enter');
    await page.getByRole('button', { name: 'Save tags' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect((await api('get', `/api/pages/${fbPage.id}/customers/88001`)).body.tags).toEqual(['vip']);
  });

  it(`builds "ordered in the last 90 days and spent at least 1,000,000 ₫", sees ${bigSpenders} of ${customers.length} subscribers match, and a wrong time zone named under its input`, async () => {
    await page.getByLabel('Segment name').fill(segmentName);
    await countLine()
      .filter({ hasText: `${customers.length} subscribers match` })
      .waitFor();

    await page.getByRole('button', { name: 'Add a condition' }).click();
    const first = page.getByTestId('condition').nth(0);
    await first.getByLabel('Days', { exact: true }).fill('90');
    await countLine()
      .filter({ hasText: `${orderedIn90Days} subscribers match` })
      .waitFor();

    await page.getByRole('button', { name: 'Add a condition' }).click();
    const second = page.getByTestId('condition').nth(1);
    await choose('Condition 2', 'Spent at least', second);
    await second.getByLabel('Amount', { exact: true }).fill('1000000');
    await second.getByText('= ₫1,000,000').waitFor();
    await countLine()
      .filter({ hasText: `${bigSpenders} subscribers match` })
      .waitFor();
    await countLine()
      .filter({ hasText: `of ${customers.length} active subscribers` })
      .waitFor();
    await check('audience-01-count');

    // Hanoi keeps Ho Chi Minh City's time: there is no Asia/Hanoi zone. The API says so, under that input.
    await page.getByRole('button', { name: 'Add a condition' }).click();
    const third = page.getByTestId('condition').nth(2);
    await choose('Condition 3', 'Time zone is', third);
    const zones = third.getByLabel('Time zones', { exact: true });
    await zones.fill('Asia/Hanoi');
    await zones.press('Enter');
    await zones.press('Escape');
    await page
      .locator('#segment_conditions_2_zones_help')
      .filter({ hasText: 'Time zones by their IANA name, e.g. Asia/Ho_Chi_Minh' })
      .waitFor();
    await check('audience-02-field-error');
    await page.getByRole('button', { name: 'Remove Condition 3' }).click();
    await countLine()
      .filter({ hasText: `${bigSpenders} subscribers match` })
      .waitFor();

    await page.getByRole('button', { name: 'Save' }).first().click();
    const row = page.getByRole('row').filter({ hasText: segmentName });
    await row.filter({ hasText: 'ordered in the last 90 days and spent at least ₫1,000,000' }).waitFor();
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.getByRole('button', { name: `Edit ${segmentName}` }).click();
    await countLine()
      .filter({ hasText: `${bigSpenders} subscribers match` })
      .waitFor();
    await screenshot(page, 'docs-audience');
    await page.setViewportSize({ width: 390, height: 844 });
    await check('audience-03-saved');

    const segments = await api('get', `/api/pages/${fbPage.id}/segments`);
    expect(segments.body).toEqual([
      expect.objectContaining({
        name: segmentName,
        definition: {
          match: 'all',
          conditions: [
            { type: 'orderedWithinDays', days: 90 },
            { type: 'spentAtLeast', amount: 1_000_000 },
          ],
        },
      }),
    ]);
  });

  it('creates a campaign for the segment and sees the same count, before and after creating it', async () => {
    await go('campaigns');
    await page.getByLabel('Name', { exact: true }).fill('Year-end thank-you');
    await choose('Topic', topicTitle);
    await countLine()
      .filter({ hasText: `${customers.length} subscribers match` })
      .waitFor();
    await choose('Segment', segmentName);
    await countLine()
      .filter({ hasText: `${bigSpenders} subscribers match` })
      .waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Cảm ơn {{first_name}}! Quà tri ân cuối năm đang chờ bạn.');
    await page.getByRole('button', { name: 'Create' }).click();
    await page
      .getByTestId('audience')
      .filter({ hasText: String(bigSpenders) })
      .waitFor();
    await check('audience-04-campaign-draft');
  });

  it('repeats it every year: 30 February is refused under the day; 2 June is listed with its next dates, then its first occurrence', async () => {
    await page.getByRole('button', { name: 'Repeat…' }).click();
    const form = page.getByTestId('repeat-form');
    await choose('Month', 'February', form);
    await form.getByLabel('Day', { exact: true }).fill('30');
    await form.getByRole('button', { name: 'Repeat', exact: true }).click();
    await page.locator('#repeat_day_help').filter({ hasText: 'No such date in the calendar' }).waitFor();
    await check('audience-05-repeat-refused');

    await choose('Month', 'June', form);
    await form.getByLabel('Day', { exact: true }).fill('2');
    // From the test clock's today (the browser's today is the real one).
    const from = form.getByLabel('Starting on', { exact: true });
    await from.fill(t.clock.now().toISOString().slice(0, 10));
    await from.press('Tab');
    await form.getByTestId('repeat-preview').filter({ hasText: 'Tue, Jun 2, 2026 · Wed, Jun 2, 2027 · Fri, Jun 2, 2028' }).waitFor();
    await form.getByRole('button', { name: 'Repeat', exact: true }).click();
    await page.getByTestId('series-rule').filter({ hasText: "Every year on June 2, at 09:00 in each subscriber's time" }).waitFor();
    await page.getByTestId('series-next').filter({ hasText: 'Tue, Jun 2, 2026 · Wed, Jun 2, 2027 · Fri, Jun 2, 2028' }).waitFor();
    await page.getByTestId('campaign-status').filter({ hasText: 'Scheduled' }).waitFor();
    await page
      .getByRole('row')
      .filter({ hasText: 'Year-end thank-you' })
      .getByTestId('repeat-tag')
      .filter({ hasText: 'Every year on June 2' })
      .waitFor();
    await page.getByTestId('occurrences').filter({ hasText: 'None yet' }).waitFor();
    const series = (await api('get', `/api/pages/${fbPage.id}/campaigns`)).body.find(
      (c: { name: string }) => c.name === 'Year-end thank-you',
    );
    expect(series).toMatchObject({
      status: 'scheduled',
      recurrence: { rule: 'FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=2', time: '09:00', mode: 'local' },
    });

    // Six hours before 2 June's first send (09:00 where the day starts first) the server makes that date a campaign.
    await t.advance(earliestLocalInstant('2026-06-02', '09:00').getTime() - OCCURRENCE_LEAD_MS - t.clock.now().getTime() + 60_000);
    const occurrence = page.getByTestId('occurrences').getByRole('row').filter({ hasText: 'Tue, Jun 2, 2026' });
    await occurrence.filter({ hasText: 'Scheduled' }).waitFor();
    await page.getByTestId('series-next').filter({ hasText: 'Wed, Jun 2, 2027 · Fri, Jun 2, 2028 · Sat, Jun 2, 2029' }).waitFor();
    await check('audience-06-series');
  });

  it('keeps the segment while the series uses it, and says why', async () => {
    await go('audience');
    await page.getByRole('button', { name: `Delete ${segmentName}` }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'A campaign that has not finished uses this segment' }).waitFor();
    expect((await api('get', `/api/pages/${fbPage.id}/segments`)).body).toHaveLength(1);
  });

  it('shows the Audience screen and the series in Vietnamese', async () => {
    await go('campaigns');
    // The series' own row (its occurrence has a row of its own, named with its date).
    await page
      .getByRole('row')
      .filter({ has: page.getByTestId('repeat-tag') })
      .getByRole('button', { name: 'Open' })
      .click();
    await choose('Language', 'Tiếng Việt');
    await page.getByRole('heading', { name: 'Chiến dịch', exact: true }).waitFor();
    await page
      .getByTestId('series-rule')
      .filter({ hasText: 'Hằng năm vào 2 tháng 6, lúc 09:00 theo giờ của từng người đăng ký' })
      .waitFor();
    await screenshot(page, 'audience-07-vi-series');
    await go('audience');
    await page.getByRole('heading', { name: 'Tệp khách hàng' }).first().waitFor();
    await page.getByRole('button', { name: `Sửa ${segmentName}` }).click();
    await page.getByRole('row').filter({ hasText: 'đã đặt hàng trong 90 ngày qua và đã chi ít nhất 1.000.000 ₫' }).waitFor();
    await countLine()
      .filter({ hasText: `${bigSpenders} người đăng ký phù hợp` })
      .waitFor();
    await check('audience-08-vi');
  });
});
