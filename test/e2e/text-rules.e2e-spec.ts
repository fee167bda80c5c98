import { type DataSource } from 'typeorm';
import { BroadcastWorker } from '../../src/broadcasts/broadcast-worker';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aBroadcastPage, deliveryRows, sandboxSendsOf, subscribersOf } from '../helpers/broadcast-builders';
import { aConnectedPage, aCustomerWhoWrote, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../../src/database/plugin-data-source';

const HOUR = 3_600_000;
const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}'; // 👨‍👩‍👧‍👦: 11 UTF-16 units, 7 code points
const FLAGS = '\u{1F1FB}\u{1F1F3}\u{1F1F5}\u{1F1ED}'; // 🇻🇳🇵🇭: 8 units, 4 code points
const PARTY = '\u{1F389}'; // 🎉: 2 units, 1 code point

/**
 * One rule for text, through the HTTP API: every text Meta receives is stored in NFC and measured the
 * way the Graph builders measure it (UTF-16 code units), so what is saved can be sent; and a local
 * error before a send (a builder refusing a text that reached the database around the API) never
 * leaves an opt-in reservation, a run step or a delivery stuck.
 */
describe.each(testDatabases())('one rule for text on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No background loops: tests drive the sequence and broadcast workers themselves.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(() => t.close());

  const sql = (query: string, params: unknown[]): Promise<unknown> => t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN).query(query, params);
  const topicPath = (pageId: string) => `/api/pages/${pageId}/topics`;
  const createTopic = (shop: TestShop, pageId: string, body: object) => t.http().post(topicPath(pageId)).set(shop.auth).send(body);
  const requestOptin = (shop: TestShop, pageId: string, psid: string, topicId: string) =>
    t.http().post(`/api/pages/${pageId}/optin-requests`).set(shop.auth).send({ psid, topicId });
  const optinTitlesReceived = async (pageId: string, psid: string): Promise<string[]> =>
    (await t.meta.received(pageId, psid))
      .filter((r) => r.type === 'notification_messages')
      .map((r) => (r.message as { attachment: { payload: { title: string } } }).attachment.payload.title);

  it('accepts a topic title ending in a family emoji and two flags that fits 65 UTF-16 units, and Meta receives it', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const title = `Hàng mới về cho cả nhà ${FAMILY}${FLAGS}`; // 23 + 11 + 8 = 42 units
    const created = await createTopic(shop, page.id, { title }).expect(201);
    expect(created.body.title).toBe(title);
    const psid = await aCustomerWhoWrote(t, page.id);
    await requestOptin(shop, page.id, psid, created.body.id).expect(201);
    expect(await optinTitlesReceived(page.id, psid)).toEqual([title]);
  });

  it('refuses with 400 on title a title of 61 code points that is 69 UTF-16 units, which the builder could not send', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const title = `${'Bagong dating ngayong Pasko, mga suki! Salamat po'.padEnd(50, '!')}${FAMILY}${FLAGS}`;
    expect([...title]).toHaveLength(61);
    const refused = await createTopic(shop, page.id, { title }).expect(400);
    expect(refused.body.fields).toEqual([expect.objectContaining({ field: 'title', rule: 'isLength' })]);
    expect(refused.body.fields[0].message).toContain('got 69');
    // Another of the kind: a title within 65 code points with skin-toned thumbs (4 units each), on PATCH.
    const topicId = await aTopic(t, shop, page.id, { title: 'Payday sale' });
    const patched = await t
      .http()
      .patch(`${topicPath(page.id)}/${topicId}`)
      .set(shop.auth)
      .send({ title: `Payday sale ${'\u{1F44D}\u{1F3FD}'.repeat(14)}` }) // 12 + 56 = 68 units, 40 code points
      .expect(400);
    expect(patched.body.fields).toEqual([expect.objectContaining({ field: 'title' })]);
  });

  it('accepts a 54-character Vietnamese title typed decomposed (NFD), stores it composed, and derives a readable ASCII payload', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const nfc = 'Hàng mới về: đồ đẹp giảm giá Tết cho cả gia đình bạn ơ';
    expect(nfc).toHaveLength(54);
    const nfd = nfc.normalize('NFD');
    expect(nfd.length).toBeGreaterThan(65);
    const created = await createTopic(shop, page.id, { title: nfd }).expect(201);
    expect(created.body.title).toBe(nfc);
    expect(created.body.payload).toMatch(/^mm:hang-moi-ve-do-dep-giam-gia-tet-cho-ca:[0-9a-f]{8}$/);
    const [stored] = (await sql('SELECT title, active_title FROM topics WHERE id = ?', [created.body.id])) as Array<{
      title: string;
      active_title: string;
    }>;
    expect(stored).toEqual({ title: nfc, active_title: nfc });
    // The same title typed composed is the same title: it collides with the active one.
    await createTopic(shop, page.id, { title: nfc }).expect(409);
    // Slugs of other kinds: Đ/đ become D/d, Tagalog stays, an emoji-only title falls back to "topic".
    const dong = await createTopic(shop, page.id, { title: 'Đồng giá 99k' }).expect(201);
    expect(dong.body.payload).toMatch(/^mm:dong-gia-99k:/);
    const tagalog = await createTopic(shop, page.id, { title: 'Libreng padala ngayong Pasko' }).expect(201);
    expect(tagalog.body.payload).toMatch(/^mm:libreng-padala-ngayong-pasko:/);
    const emoji = await createTopic(shop, page.id, { title: `${PARTY}${FAMILY}${FLAGS}` }).expect(201);
    expect(emoji.body.payload).toMatch(/^mm:topic:[0-9a-f]{8}$/);
  });

  it('counts a campaign text of 330 emoji the way it counts a sequence text of 330 emoji: both refused, 320 accepted by both', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const campaign = (text: string) =>
      t
        .http()
        .post(`/api/pages/${page.id}/campaigns`)
        .set(shop.auth)
        .send({ name: 'Emoji sale', topicId, content: { type: 'text', text } });
    const sequence = (text: string) =>
      t
        .http()
        .post(`/api/pages/${page.id}/sequences`)
        .set(shop.auth)
        .send({ name: 'Emoji thanks', steps: [{ type: 'text', text }] });

    const tooMany = PARTY.repeat(330); // 660 units
    const asCampaign = await campaign(tooMany);
    const asSequence = await sequence(tooMany);
    expect([asCampaign.status, asSequence.status]).toEqual([400, 400]);
    expect(asCampaign.body.fields).toEqual([expect.objectContaining({ field: 'content.text' })]);
    expect(asSequence.body.fields).toEqual([expect.objectContaining({ field: 'steps.0.text', rule: 'isLength' })]);
    for (const res of [asCampaign, asSequence]) expect(res.body.fields[0].message).toContain('got 660');

    const fits = PARTY.repeat(320); // 640 units
    expect((await campaign(fits)).status).toBe(201);
    expect((await sequence(fits)).status).toBe(201);
    // A decomposed Vietnamese text is stored composed in both.
    const nfd = 'Cảm ơn bạn đã mua hàng!'.normalize('NFD');
    expect((await campaign(nfd)).body.content.text).toBe(nfd.normalize('NFC'));
    expect((await sequence(nfd)).body.steps[0].text).toBe(nfd.normalize('NFC'));
  });

  it('releases the opt-in reservation when the builder refuses the title: 422 not_sendable, then the next request is answered on its merits', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Flash sale' });
    // A title that reached the database around the API, as the old code-point count let it: 63 code
    // points (within the column's 65 characters), 67 UTF-16 units.
    const oldTitle = `${'x'.repeat(56)}${FAMILY}`;
    await sql('UPDATE topics SET title = ?, active_title = ? WHERE id = ?', [oldTitle, oldTitle, topicId]);
    const psid = await aCustomerWhoWrote(t, page.id);

    const refused = await requestOptin(shop, page.id, psid, topicId).expect(422);
    expect(refused.body).toMatchObject({ error: 'not_sendable' });
    const rows = (await sql('SELECT status, error_kind FROM optin_requests WHERE psid = ?', [psid])) as Array<{
      status: string;
      error_kind: string;
    }>;
    expect(rows).toEqual([{ status: 'failed', error_kind: 'local_error' }]);
    // Asked again at once: the same local answer, not request_pending for ten minutes.
    await requestOptin(shop, page.id, psid, topicId).expect(422);

    await t.http().patch(`/api/pages/${page.id}/topics/${topicId}`).set(shop.auth).send({ title: 'Flash sale' }).expect(200);
    const sent = await requestOptin(shop, page.id, psid, topicId).expect(201);
    expect(sent.body).toMatchObject({ requestId: expect.any(String), messageId: expect.any(String) });
    expect(await optinTitlesReceived(page.id, psid)).toEqual(['Flash sale']);
  });

  it('fails a run step the builder refuses at once, with the reason, and an opt-in step leaves no reservation behind', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Order updates' });
    const psid = await aCustomerWhoWrote(t, page.id);
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({
        name: 'Thanks',
        steps: [{ type: 'quick_replies', text: 'Rate us', quickReplies: [{ title: 'Great', payload: 'RATE_5' }], onForbidden: 'continue' }],
      })
      .expect(201);
    // 14 quick replies stored around the API (Meta takes 13): rendering cannot make that fit.
    const content = JSON.stringify({
      type: 'quick_replies',
      text: 'Rate us',
      quickReplies: Array.from({ length: 14 }, (_, i) => ({ title: `${i + 1} ⭐`, payload: `RATE_${i + 1}` })),
    });
    await sql('UPDATE sequence_steps SET content = ? WHERE sequence_id = ?', [content, sequence.body.id]);
    const run = await t.http().post(`/api/pages/${page.id}/sequences/${sequence.body.id}/runs`).set(shop.auth).send({ psid }).expect(201);
    await t.app.get(SequenceWorker).runDue();
    const view = await t.http().get(`/api/pages/${page.id}/sequences/${sequence.body.id}/runs/${run.body.id}`).set(shop.auth).expect(200);
    expect(view.body.steps[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect(view.body.steps[0].detail).toContain('quick replies: expected 1 to 13, got 14');
    expect(await t.meta.received(page.id, psid)).toEqual([]);

    // The MM button step with a topic the builder refuses: failed with the reason, the reservation released.
    const oldTitle = `${'y'.repeat(56)}${FAMILY}`;
    await sql('UPDATE topics SET title = ?, active_title = ? WHERE id = ?', [oldTitle, oldTitle, topicId]);
    const optinSequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({ name: 'Ask', steps: [{ type: 'optin', topicId }] })
      .expect(201);
    const startOptinRun = async (): Promise<{ status: string; detail: string | null }> => {
      const r = await t
        .http()
        .post(`/api/pages/${page.id}/sequences/${optinSequence.body.id}/runs`)
        .set(shop.auth)
        .send({ psid })
        .expect(201);
      await t.app.get(SequenceWorker).runDue();
      const v = await t.http().get(`/api/pages/${page.id}/sequences/${optinSequence.body.id}/runs/${r.body.id}`).set(shop.auth).expect(200);
      return v.body.steps[0];
    };
    const failed = await startOptinRun();
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.detail).toContain('opt-in title');
    await t.http().patch(`/api/pages/${page.id}/topics/${topicId}`).set(shop.auth).send({ title: 'Order updates' }).expect(200);
    expect(await startOptinRun()).toMatchObject({ status: 'sent' });
    expect(await optinTitlesReceived(page.id, psid)).toEqual(['Order updates']);
  });

  it('pauses a campaign whose stored content the builder refuses before claiming anyone: no delivery uncertain, nobody’s day used up', async () => {
    const shop = await aShop(t);
    const page = await aBroadcastPage(t, shop);
    const topicRes = await createTopic(shop, page.id, { title: `Tết sale ${FLAGS}` }).expect(201);
    const topic = { id: topicRes.body.id as string, title: topicRes.body.title as string };
    const [subscriber] = await subscribersOf(t, page.id, topic, 1);
    const campaign = async (text: string): Promise<{ id: string; metaCampaignId: string }> => {
      const created = await t
        .http()
        .post(`/api/pages/${page.id}/campaigns`)
        .set(shop.auth)
        .send({ name: 'Tết', topicId: topic.id, content: { type: 'text', text } })
        .expect(201);
      const at = new Date(t.clock.now().getTime() + 2 * HOUR).toISOString();
      const scheduled = await t
        .http()
        .post(`/api/pages/${page.id}/campaigns/${created.body.id}/schedule`)
        .set(shop.auth)
        .send({ at })
        .expect(200);
      return { id: created.body.id as string, metaCampaignId: scheduled.body.metaCampaignId as string };
    };
    const broken = await campaign('Chúc mừng năm mới');
    await sql('UPDATE campaigns SET content = ? WHERE id = ?', [JSON.stringify({ type: 'text', text: PARTY.repeat(330) }), broken.id]);
    const good = await campaign(`Chúc mừng năm mới ${PARTY}`);

    await t.advance(2 * HOUR);
    await t.app.get(BroadcastWorker).tick();
    await t.app.get(BroadcastWorker).runPass();

    const shown = await t.http().get(`/api/pages/${page.id}/campaigns/${broken.id}`).set(shop.auth).expect(200);
    expect(shown.body).toMatchObject({ status: 'paused', pause: { reason: 'content_not_sendable' } });
    expect(shown.body.pause.message).toContain('got 660');
    expect((await deliveryRows(t, broken.id)).filter((d) => d.status !== 'pending')).toEqual([]);
    expect(await sandboxSendsOf(t, broken.metaCampaignId)).toEqual([]);
    // The same customer, the same day: the other campaign reaches them.
    expect((await sandboxSendsOf(t, good.metaCampaignId)).map((s) => s.token)).toEqual([subscriber!.token]);
  });
});
