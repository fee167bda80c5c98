import { RunStepClaimer } from '../../src/sequences/runs/run-step-claimer';
import { SequenceWorker, STEP_LEASE_MS } from '../../src/sequences/runs/sequence-worker';
import { aConnectedPage, aCustomerWhoWrote, aPsid, aShop, aTopic, type TestShop } from '../helpers/builders';
import { testDatabases } from '../helpers/databases';
import { startTestApp, type TestApp } from '../helpers/test-app';

type RunView = {
  status: string;
  endReason: string | null;
  steps: Array<{ status: string; skipRule: string | null; detail: string | null; attempts: number }>;
};

describe.each(testDatabases())('sequences on %s', (db) => {
  let t: TestApp;
  beforeAll(async () => {
    // No worker loop: these tests drive every pass with runDue(), so a "dead worker" can hold a step.
    t = await startTestApp(db, { env: { ROLES: 'api' } });
  });
  afterAll(async () => {
    await t.close();
  });

  const runDue = (): Promise<number> => t.app.get(SequenceWorker).runDue();
  const createSequence = (shop: TestShop, pageId: string, body: object) =>
    t.http().post(`/api/pages/${pageId}/sequences`).set(shop.auth).send(body);
  async function startRun(
    shop: TestShop,
    pageId: string,
    steps: object[],
    psid: string,
    order?: object,
  ): Promise<{ sequenceId: string; runId: string }> {
    const sequence = await createSequence(shop, pageId, { name: 'Test sequence', steps }).expect(201);
    const run = await t
      .http()
      .post(`/api/pages/${pageId}/sequences/${sequence.body.id}/runs`)
      .set(shop.auth)
      .send({ psid, order })
      .expect(201);
    return { sequenceId: sequence.body.id, runId: run.body.id };
  }
  const readRun = async (shop: TestShop, pageId: string, ids: { sequenceId: string; runId: string }): Promise<RunView> =>
    (await t.http().get(`/api/pages/${pageId}/sequences/${ids.sequenceId}/runs/${ids.runId}`).set(shop.auth).expect(200)).body;
  const fields = (body: { fields: Array<{ field: string; rule: string }> }) => body.fields.map((f) => `${f.field}:${f.rule}`);

  it('creates, reads, edits and deletes a sequence, answering with its steps and never an entity', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const topicId = await aTopic(t, shop, page.id);
    const created = await createSequence(shop, page.id, {
      name: 'Order confirmed',
      steps: [
        { type: 'text', text: 'Hi {{customer.name}}, order {{order.id}} is confirmed.' },
        { type: 'optin', topicId, delaySeconds: 60, onForbidden: 'stop' },
      ],
    }).expect(201);
    expect(created.body).toMatchObject({
      pageId: page.id,
      name: 'Order confirmed',
      steps: [
        {
          position: 0,
          type: 'text',
          delaySeconds: 0,
          onForbidden: 'continue',
          text: 'Hi {{customer.name}}, order {{order.id}} is confirmed.',
        },
        { position: 1, type: 'optin', delaySeconds: 60, onForbidden: 'stop', topicId },
      ],
    });
    expect(Object.keys(created.body).sort()).toEqual(['createdAt', 'id', 'name', 'pageId', 'steps', 'updatedAt']);
    const path = `/api/pages/${page.id}/sequences/${created.body.id}`;

    const edited = await t
      .http()
      .patch(path)
      .set(shop.auth)
      .send({ name: 'Order confirmed v2', steps: [{ type: 'optin', topicId }] })
      .expect(200);
    expect(edited.body.steps).toEqual([{ position: 0, type: 'optin', delaySeconds: 0, onForbidden: 'continue', topicId }]);
    expect((await t.http().get(path).set(shop.auth).expect(200)).body.name).toBe('Order confirmed v2');
    expect(
      (await t.http().get(`/api/pages/${page.id}/sequences`).set(shop.auth).expect(200)).body.map((s: { id: string }) => s.id),
    ).toEqual([created.body.id]);
    await t.http().delete(path).set(shop.auth).expect(204);
    await t.http().get(path).set(shop.auth).expect(404);
  });

  it('refuses unknown placeholders, fields of another step type and missing ones, naming each field', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const res = await createSequence(shop, page.id, {
      name: 'Broken',
      steps: [
        { type: 'text', text: 'Hi {{first_name}}, your {{order.colour}} order' },
        { type: 'optin', topicId: 'x', text: 'not for optin steps' },
        { type: 'button_template', text: 'Track it', delaySeconds: -1 },
        { type: 'quick_replies', text: 'Rate us', quickReplies: [{ title: 'Great {{order.idd}}', payload: 'R5' }] },
      ],
    }).expect(400);
    expect(fields(res.body)).toEqual(
      expect.arrayContaining([
        'steps.0.text:knownPlaceholders',
        'steps.1.text:stepField',
        'steps.2.buttons:stepField',
        'steps.2.delaySeconds:min',
        'steps.3.quickReplies.0.title:knownPlaceholders',
      ]),
    );
    expect(res.body.fields.find((f: { field: string }) => f.field === 'steps.0.text').message).toContain(
      '{{first_name}}, {{order.colour}}',
    );
    expect((await t.http().get(`/api/pages/${page.id}/sequences`).set(shop.auth).expect(200)).body).toEqual([]);
  });

  it("answers 404 for another shop's Page and sequence, and names the step whose topic is another Page's", async () => {
    const owner = await aShop(t);
    const other = await aShop(t);
    const page = await aConnectedPage(t, owner);
    const otherPage = await aConnectedPage(t, other);
    const otherTopic = await aTopic(t, other, otherPage.id);
    const sequence = await createSequence(owner, page.id, { name: 'Mine', steps: [{ type: 'text', text: 'Hello' }] }).expect(201);

    await createSequence(other, page.id, { name: 'Theirs', steps: [{ type: 'text', text: 'Hello' }] }).expect(404);
    await t.http().get(`/api/pages/${page.id}/sequences/${sequence.body.id}`).set(other.auth).expect(404);
    await t.http().post(`/api/pages/${page.id}/sequences/${sequence.body.id}/runs`).set(other.auth).send({ psid: aPsid() }).expect(404);
    const foreignTopic = await createSequence(owner, page.id, {
      name: 'Steal',
      steps: [
        { type: 'text', text: 'Hi' },
        { type: 'optin', topicId: otherTopic },
      ],
    }).expect(404);
    expect(foreignTopic.body.fields).toEqual([expect.objectContaining({ field: 'steps.1.topicId' })]);
  });

  it('sends quick replies, button and generic templates with the order filled in', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = await aCustomerWhoWrote(t, page.id);
    await startRun(
      shop,
      page.id,
      [
        { type: 'quick_replies', text: 'How was order {{order.id}}?', quickReplies: [{ title: 'Great', payload: 'RATE_5_{{order.id}}' }] },
        {
          type: 'button_template',
          text: '{{customer.name}}, track {{order.items}}',
          buttons: [{ type: 'web_url', title: 'Track', url: 'https://shop.example/track' }],
        },
        { type: 'generic_template', elements: [{ title: 'Total {{order.total}}', subtitle: 'Order {{order.id}}' }] },
      ],
      psid,
      { orderId: 'PO-77', status: 'SHIPPED', customerName: 'Ana', total: 9950, currency: 'USD', items: [{ name: 'Tote', quantity: 1 }] },
    );
    await runDue();
    const received = await t.meta.received(page.id, psid);
    expect(received.map((r) => r.type)).toEqual(['quick_replies', 'button', 'generic']);
    const bodies = JSON.stringify(received.map((r) => r.message));
    for (const expected of ['How was order PO-77?', 'RATE_5_PO-77', 'Ana, track 1 × Tote', 'Total $99.50', 'Order PO-77'])
      expect(bodies).toContain(expected);
    expect(bodies).not.toContain('{{');
  });

  it('skips a message outside the window under window_closed, and the run continues or stops as the step says', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = aPsid();
    const goOn = await startRun(
      shop,
      page.id,
      [
        { type: 'text', text: 'One' },
        { type: 'text', text: 'Two', onForbidden: 'stop' },
      ],
      psid,
    );
    await runDue();
    expect(await readRun(shop, page.id, goOn)).toMatchObject({
      status: 'stopped',
      endReason: 'step 1: window_closed',
      steps: [
        { status: 'skipped', skipRule: 'window_closed', detail: 'never_wrote', attempts: 1 },
        { status: 'skipped', skipRule: 'window_closed' },
      ],
    });
    const stop = await startRun(
      shop,
      page.id,
      [
        { type: 'text', text: 'One', onForbidden: 'stop' },
        { type: 'text', text: 'Two' },
      ],
      psid,
    );
    await runDue();
    expect(await readRun(shop, page.id, stop)).toMatchObject({ status: 'stopped', steps: [{ status: 'skipped' }, { status: 'canceled' }] });
    expect(await t.meta.received(page.id, psid)).toEqual([]);
  });

  it('retries a transient Graph failure with backoff, and sends once Meta answers again', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const psid = await aCustomerWhoWrote(t, page.id);
    await t.meta.setFaults({ errorRate: 1 });
    const ids = await startRun(shop, page.id, [{ type: 'text', text: 'Your order shipped' }], psid);
    try {
      await runDue();
    } finally {
      await t.meta.setFaults({ errorRate: 0 });
    }
    const waiting = await readRun(shop, page.id, ids);
    expect(waiting.steps[0]).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting.steps[0]!.detail).toContain('graph_transient');

    await t.advance(29_000);
    expect(await runDue()).toBe(0);
    await t.advance(1_000);
    await runDue();
    expect(await readRun(shop, page.id, ids)).toMatchObject({ status: 'completed', steps: [{ status: 'sent', attempts: 2 }] });
    expect((await t.meta.received(page.id, psid)).map((r) => r.type)).toEqual(['text']);
  });

  it('after a worker dies, never resends a step whose send had started (uncertain, the run goes on) and sends the ones it never started', async () => {
    const shop = await aShop(t);
    const page = await aConnectedPage(t, shop);
    const steps = [
      { type: 'text', text: 'Maybe sent' },
      { type: 'text', text: 'Next' },
    ];
    const started = await aCustomerWhoWrote(t, page.id);
    const notStarted = await aCustomerWhoWrote(t, page.id);
    const startedIds = await startRun(shop, page.id, steps, started);
    const notStartedIds = await startRun(shop, page.id, steps, notStarted);
    const now = t.clock.now();
    const claimer = t.app.get(RunStepClaimer);
    const held = await claimer.claimDue('worker-that-dies', 50, now, new Date(now.getTime() + STEP_LEASE_MS));
    expect(held.map((s) => s.runId)).toEqual(expect.arrayContaining([startedIds.runId, notStartedIds.runId]));
    // The dying worker started one send (its call may have reached Meta), never the other.
    expect(
      await claimer.markAttempted(
        held.find((s) => s.runId === startedIds.runId)!,
        now,
      ),
    ).toBe(true);

    expect(await runDue()).toBe(0);
    await t.advance(STEP_LEASE_MS + 1);
    await runDue();
    expect(await readRun(shop, page.id, startedIds)).toMatchObject({
      status: 'completed',
      steps: [{ status: 'uncertain', attempts: 1 }, { status: 'sent' }],
    });
    expect((await t.meta.received(page.id, started)).map((r) => JSON.stringify(r.message))).toEqual([expect.stringContaining('Next')]);
    expect(await readRun(shop, page.id, notStartedIds)).toMatchObject({
      status: 'completed',
      steps: [{ status: 'sent', attempts: 1 }, { status: 'sent' }],
    });
    expect((await t.meta.received(page.id, notStarted)).map((r) => JSON.stringify(r.message))).toEqual([
      expect.stringContaining('Maybe sent'),
      expect.stringContaining('Next'),
    ]);
    // The dead worker's late start of the step given back is refused.
    expect(
      await claimer.markAttempted(
        held.find((s) => s.runId === notStartedIds.runId)!,
        t.clock.now(),
      ),
    ).toBe(false);
  });
});
