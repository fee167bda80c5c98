import {
  Body,
  Controller,
  Get,
  Injectable,
  Module,
  NotFoundException,
  Param,
  Post,
  type DynamicModule,
  type INestApplication,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { InjectRepository, TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { Column, Entity, PrimaryGeneratedColumn, type DataSource, type Repository } from 'typeorm';
import { startMessengerSandbox, type RunningSandbox } from '../../libs/messenger-sandbox/src';
import {
  domainEventName,
  GraphEndpoint,
  loadConfig,
  ManualClock,
  MarketingMessagesModule,
  MarketingMessagesService,
  mountMarketingMessagesWebhooks,
  PLUGIN_DATA_SOURCE_TOKEN,
  setupMarketingMessagesDocs,
  type AppConfig,
  type DomainEvent,
  type DomainEventType,
  PosOrderEvents,
  type OrderEventResult,
} from '../../src';
import { JsonLogger } from '../../src/common/json-logger';
import { InboxProcessor } from '../../src/messenger/inbox/inbox-processor.service';
import { SequenceWorker } from '../../src/sequences/runs/sequence-worker';
import { aCustomerWhoWrote, aPage, aTopic, type TestShop } from '../helpers/builders';
import { fileDatabaseUrl, testDatabases, type TestDatabase } from '../helpers/databases';
import { TEST_APP_SECRET, TEST_START, type TestApp } from '../helpers/test-app';

/** The host's own table, in the host's own (default) DataSource. */
@Entity('host_notes')
class HostNote {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 200 })
  text!: string;
}

/** A host route with the host's own conventions: no validation pipe, Nest's default error bodies. */
@Controller('host/notes')
class HostNotesController {
  constructor(@InjectRepository(HostNote) private readonly notes: Repository<HostNote>) {}

  @Post()
  create(@Body() body: { text: string }): Promise<HostNote> {
    return this.notes.save({ text: body.text });
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<HostNote> {
    const note = await this.notes.findOne({ where: { id: Number(id) } });
    if (!note) throw new NotFoundException(`no note ${id}`);
    return note;
  }
}

/** The host listens to the plugin's domain events with its own @OnEvent handlers, on its own emitter. */
@Injectable()
class HostDomainEventLog {
  readonly events: DomainEvent[] = [];

  @OnEvent(domainEventName('customer.subscribed'))
  onSubscribed(event: DomainEvent<'customer.subscribed'>): void {
    this.events.push(event);
  }

  @OnEvent(domainEventName('order_event.dispatched'))
  onDispatched(event: DomainEvent<'order_event.dispatched'>): void {
    this.events.push(event);
  }

  @OnEvent(domainEventName('optin.refused'))
  onRefused(event: DomainEvent<'optin.refused'>): void {
    this.events.push(event);
  }

  of<T extends DomainEventType>(type: T): Array<DomainEvent<T>> {
    return this.events.filter((e): e is DomainEvent<T> => e.type === type);
  }
}

const PLUGIN_SETTINGS = Symbol('PLUGIN_SETTINGS');
interface PluginSettings {
  config: AppConfig;
  clock: ManualClock;
  graphEndpoint: GraphEndpoint;
}

/** Where the host keeps what the plugin is configured with (as a host's ConfigModule would). */
@Module({})
class HostSettingsModule {
  static of(settings: PluginSettings): DynamicModule {
    return { module: HostSettingsModule, providers: [{ provide: PLUGIN_SETTINGS, useValue: settings }], exports: [PLUGIN_SETTINGS] };
  }
}

/** A POS-like host: its own SQLite default DataSource, emitter and scheduler, and the plugin imported. */
function hostModule(hostDatabase: string, settings: PluginSettings): DynamicModule {
  return {
    module: class HostAppModule {},
    imports: [
      // The host's schema is the host's business (synchronize), never the plugin's.
      TypeOrmModule.forRoot({ type: 'better-sqlite3', database: hostDatabase, entities: [HostNote], synchronize: true }),
      TypeOrmModule.forFeature([HostNote]),
      EventEmitterModule.forRoot(),
      ScheduleModule.forRoot(),
      MarketingMessagesModule.forRootAsync({
        imports: [HostSettingsModule.of(settings)],
        inject: [PLUGIN_SETTINGS],
        useFactory: (s: PluginSettings) => ({ config: s.config, clock: s.clock, graphEndpoint: s.graphEndpoint }),
      }),
    ],
    controllers: [HostNotesController],
    providers: [HostDomainEventLog],
  };
}

interface HostApp extends TestApp {
  hostDatabase: string;
}

/** The host on a real port, the plugin's webhook receiver mounted, the sandbox posting webhooks to it. */
async function startHostApp(db: TestDatabase): Promise<HostApp> {
  const sandbox: RunningSandbox = await startMessengerSandbox({ port: 0, appSecret: TEST_APP_SECRET, startTime: TEST_START });
  const hostDatabase = join(tmpdir(), `mm-host-${randomBytes(6).toString('hex')}.sqlite`);
  const config = loadConfig({
    DATABASE_URL:
      db === 'mysql' ? await fileDatabaseUrl() : `sqlite:${join(tmpdir(), `mm-plugin-${randomBytes(6).toString('hex')}.sqlite`)}`,
    ENCRYPTION_KEY: 'ab'.repeat(32),
    GRAPH_API_URL: sandbox.graphUrl,
    META_APP_SECRET: TEST_APP_SECRET,
    META_VERIFY_TOKEN: 'test-verify-token',
    LOG_LEVEL: 'debug',
  });
  const clock = new ManualClock(await sandbox.control.now());
  const logs: string[] = [];
  const app: INestApplication = await NestFactory.create(
    hostModule(hostDatabase, { config, clock, graphEndpoint: new GraphEndpoint(sandbox.graphUrl, TEST_APP_SECRET) }),
    { logger: new JsonLogger('debug', (line) => logs.push(line)) },
  );
  mountMarketingMessagesWebhooks(app);
  setupMarketingMessagesDocs(app, 'marketing-messages/docs');
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  await sandbox.control.setWebhookTarget(`${url}/webhooks/messenger`);
  return {
    app,
    config,
    url,
    http: () => request(url),
    clock,
    sandbox,
    meta: sandbox.control,
    logs,
    hostDatabase,
    async advance(ms) {
      clock.advance(ms);
      await sandbox.control.advanceClock(ms);
    },
    async settle() {
      await sandbox.control.flushWebhooks();
      await app.get(InboxProcessor).idle();
    },
    restart: () => Promise.reject(new Error('the host app is not restarted in these tests')),
    async close() {
      await app.close();
      await sandbox.close();
    },
  };
}

describe.each(testDatabases())('a host NestJS app importing MarketingMessagesModule, plugin database on %s', (db) => {
  let t: HostApp;
  let mm: MarketingMessagesService;
  let hostEvents: HostDomainEventLog;
  beforeAll(async () => {
    t = await startHostApp(db);
    mm = t.app.get(MarketingMessagesService);
    hostEvents = t.app.get(HostDomainEventLog);
  });
  afterAll(() => t?.close());

  async function aHostShop(): Promise<TestShop> {
    const { shop, apiKey } = await mm.createShop('Manila Threads');
    return { id: shop.id, apiKey, auth: { Authorization: `Bearer ${apiKey}` } };
  }

  it('runs the POS story: Page, topic, customer writes, order event, MM button, tap, subscriber; the host hears it', async () => {
    const shop = await aHostShop();
    const page = await aPage(t, shop);
    const topicId = await aTopic(t, shop, page.id, { title: 'Order updates and promos' });
    const sequence = await t
      .http()
      .post(`/api/pages/${page.id}/sequences`)
      .set(shop.auth)
      .send({
        name: 'Order confirmed',
        steps: [
          { type: 'text', text: 'Salamat {{customer.name}}!' },
          { type: 'optin', topicId },
        ],
      })
      .expect(201);
    const rule = await t
      .http()
      .post('/api/pos-notification-rules')
      .set(shop.auth)
      .send({ orderStatus: 'CONFIRMED', pageId: page.id, topicId, sequenceId: sequence.body.id })
      .expect(201);
    await t.http().post(`/api/pos-notification-rules/${rule.body.id}/activate`).set(shop.auth).expect(200);
    const psid = await aCustomerWhoWrote(t, page.id);

    // In process, as the POS's own service would call it.
    const result = await mm.sendOrderEvent({
      shopId: shop.id,
      orderId: 'PO-1042',
      pageId: page.id,
      customerPsid: psid,
      status: 'CONFIRMED',
      occurredAt: t.clock.now(),
      customerName: 'Maria',
    });
    expect(result).toMatchObject({ orderId: 'PO-1042', matchedRules: 1, dispatched: [{ ruleId: rule.body.id }], skipped: [] });
    // The same event emitted on the host's own EventEmitter2 reaches the plugin's listener: one emitter, the host's.
    const [repeat] = (await t.app.get(EventEmitter2).emitAsync(PosOrderEvents.StatusChanged, {
      shopId: shop.id,
      orderId: 'PO-1042',
      pageId: page.id,
      customerPsid: psid,
      status: 'CONFIRMED',
      occurredAt: t.clock.now(),
    })) as OrderEventResult[];
    expect(repeat).toMatchObject({ dispatched: [], duplicates: [rule.body.id] });
    await t.app.get(SequenceWorker).runDue();
    const received = await t.meta.received(page.id, psid);
    expect(received.map((r) => r.type)).toEqual(['text', 'notification_messages']);
    expect(JSON.stringify(received[1]!.message)).toContain('Order updates and promos');

    await t.meta.personOptin({ pageId: page.id, psid });
    await t.settle();
    expect(await mm.getSubscriber({ shopId: shop.id, pageId: page.id, psid })).toEqual([
      expect.objectContaining({ topicId, psid, status: 'active', source: 'optin' }),
    ]);
    const listed = await t.http().get(`/api/pages/${page.id}/topics/${topicId}/subscribers`).set(shop.auth).expect(200);
    expect(listed.body.items.map((s: { psid: string }) => s.psid)).toEqual([psid]);

    // Asked again in process, the opt-in policy answers with its rule rather than sending a second button.
    const again = await mm.requestOptin({ shopId: shop.id, pageId: page.id, psid, topicId });
    expect(again).toMatchObject({ sent: false, rule: 'already_subscribed' });
    expect((await t.meta.received(page.id, psid)).filter((r) => r.type === 'notification_messages')).toHaveLength(1);

    // A hand-started run of the same sequence, in process.
    const run = await mm.startSequenceRun({ shopId: shop.id, pageId: page.id, sequenceId: sequence.body.id, psid });
    expect(run).toMatchObject({ psid, status: 'running' });

    // The host's own @OnEvent listeners, on the host's own EventEmitterModule.
    expect(hostEvents.of('order_event.dispatched')).toEqual([
      expect.objectContaining({ shopId: shop.id, data: expect.objectContaining({ pageId: page.id, psid, orderId: 'PO-1042' }) }),
    ]);
    expect(hostEvents.of('customer.subscribed')).toEqual([
      expect.objectContaining({ shopId: shop.id, data: expect.objectContaining({ pageId: page.id, psid, topicId, source: 'optin' }) }),
    ]);
    expect(hostEvents.of('optin.refused')).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ psid, topicId, rule: 'already_subscribed' }) }),
    ]);
  });

  it("keeps the plugin's validation, error body and request ids on its routes, and off the host's", async () => {
    const shop = await aHostShop();
    const page = await aPage(t, shop);

    const refused = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .set('X-Request-Id', 'plugin-1')
      .send({ title: 'x', colour: 'red' });
    expect(refused.status).toBe(400);
    expect(refused.headers['x-request-id']).toBe('plugin-1');
    expect(refused.body).toMatchObject({
      statusCode: 400,
      error: 'validation_failed',
      fields: [expect.objectContaining({ field: 'colour', rule: 'whitelistValidation' })],
      requestId: 'plugin-1',
    });
    const unauthorised = await t.http().get(`/api/pages/${page.id}`).expect(401);
    expect(unauthorised.body).toMatchObject({ statusCode: 401, error: 'unauthorized', requestId: expect.any(String) });
    // The host's JSON parser read the body first: the plugin still holds it to its own rules.
    const deep = await t
      .http()
      .post('/api/pages')
      .set(shop.auth)
      .send({ a: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown });
    expect(deep.status).toBe(400);
    expect(deep.body).toMatchObject({ error: 'body_too_deep', requestId: expect.any(String) });
    const surrogate = await t
      .http()
      .post(`/api/pages/${page.id}/topics`)
      .set(shop.auth)
      .set('Content-Type', 'application/json')
      .send('{"title":"Sale \\ud800"}');
    expect(surrogate.status).toBe(400);
    expect(surrogate.body).toMatchObject({ error: 'validation_failed', fields: [{ field: 'title', rule: 'wellFormedUnicode' }] });

    // The host's route: an unknown field is the host's business, and no request id is added.
    const created = await t.http().post('/host/notes').send({ text: 'restock linen', colour: 'red' }).expect(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), text: 'restock linen' });
    expect(created.headers['x-request-id']).toBeUndefined();
    const missing = await t.http().get('/host/notes/999').expect(404);
    expect(missing.body).toEqual({ statusCode: 404, message: 'no note 999', error: 'Not Found' });
    expect(missing.headers['x-request-id']).toBeUndefined();
    const nowhere = await t.http().get('/host/nowhere').expect(404);
    expect(nowhere.body).toEqual({ statusCode: 404, message: 'Cannot GET /host/nowhere', error: 'Not Found' });
  });

  it('receives webhooks on the mounted receiver, signature checked over the raw bytes', async () => {
    const forged = await t
      .http()
      .post('/webhooks/messenger')
      .set('Content-Type', 'application/json')
      .set('X-Hub-Signature-256', `sha256=${'0'.repeat(64)}`)
      .send('{"object":"page","entry":[]}');
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ statusCode: 403, error: 'forbidden', requestId: expect.any(String) });
    await t
      .http()
      .get('/webhooks/messenger')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'test-verify-token', 'hub.challenge': 'c-1' })
      .expect(200, 'c-1');
  });

  it("leaves the host's default DataSource to the host: its tables only, the plugin's in the plugin's database", async () => {
    const host = t.app.get<DataSource>(getDataSourceToken());
    const plugin = t.app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN);
    expect(host).not.toBe(plugin);
    expect(host.options.database).toBe(t.hostDatabase);
    const hostTables = (await host.query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)) as Array<{
      name: string;
    }>;
    expect(hostTables.map((r) => r.name)).toEqual(['host_notes']);
    const [{ n }] = (await plugin.query('SELECT COUNT(*) AS n FROM shops')) as Array<{ n: number | string }>;
    expect(Number(n)).toBeGreaterThan(0);
  });

  it("serves the plugin's OpenAPI document where the host put it, with the plugin's routes only", async () => {
    const docs = await t.http().get('/marketing-messages/docs-json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/pages', '/api/pos/order-events']));
    expect(Object.keys(docs.body.paths).filter((p) => p.startsWith('/host'))).toEqual([]);
  });
});
