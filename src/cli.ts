import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { ConfigError, graphBaseUrl, loadConfig, type AppConfig } from '../config/app-config';
import { AppModule } from './app.module';
import { SystemClock } from './common/clock';
import { GraphEndpoint } from './common/graph-endpoint';
import { JsonLogger } from './common/json-logger';
import { openDataSource } from './database/data-source';
import { runMigrations } from './database/migrate';
import { SubscriberImportService } from './optins/subscriber-import.service';
import { ShopsService } from './shops/shops.service';

const USAGE = `usage: npm run cli -- <command>
  create-shop NAME [--locale vi-VN] [--currency VND]
                       create a shop (default en-PH, PHP) and print its first API key
  create-key SHOP_ID   print a new API key for a shop
  list-keys SHOP_ID    list a shop's API keys (id, prefix, created, revoked)
  revoke-key KEY_ID    revoke an API key: refused at once by every running process
  migrate              apply pending migrations
  import-subscribers PAGE_ID [--reconcile]
                       pull the Page's subscription tokens from Meta (and mark those no longer listed)`;

type Command = (config: AppConfig, args: string[]) => Promise<void>;

/** Runs `work` inside the application (no HTTP, no worker loops) and closes it. */
async function withApp<T>(config: AppConfig, work: (get: <S>(type: new (...a: never[]) => S) => S) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({
      config: { ...config, roles: [] },
      clock: new SystemClock(),
      graphEndpoint: new GraphEndpoint(graphBaseUrl(config.graph), config.graph.appSecret),
    }),
    {
      logger: new JsonLogger('warn'),
    },
  );
  try {
    return await work((type) => app.get(type));
  } finally {
    await app.close();
  }
}

const commands: Record<string, Command> = {
  'create-shop': async (config, args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { locale: { type: 'string' }, currency: { type: 'string' } },
    });
    const [name] = positionals;
    if (!name) throw new Error('create-shop needs a NAME');
    const { shop, apiKey } = await withApp(config, (get) => get(ShopsService).createShop(name, values));
    process.stdout.write(
      `shop ${shop.id} "${shop.name}" (${shop.locale}, ${shop.currency}) created\napi key (shown once, keep it safe): ${apiKey}\n`,
    );
  },
  'create-key': async (config, [shopId]) => {
    if (!shopId) throw new Error('create-key needs a SHOP_ID');
    const { id, apiKey } = await withApp(config, (get) => get(ShopsService).createKey(shopId));
    process.stdout.write(`api key ${id} (shown once): ${apiKey}\n`);
  },
  'list-keys': async (config, [shopId]) => {
    if (!shopId) throw new Error('list-keys needs a SHOP_ID');
    const keys = await withApp(config, (get) => get(ShopsService).listKeys(shopId));
    for (const key of keys) {
      process.stdout.write(
        `${key.id}  ${key.prefix}…  created ${key.createdAt.toISOString()}  ${key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active'}\n`,
      );
    }
  },
  'revoke-key': async (config, [keyId]) => {
    if (!keyId) throw new Error('revoke-key needs a KEY_ID (see list-keys)');
    const key = await withApp(config, async (get) => {
      const shops = get(ShopsService);
      return shops.revokeKey(await shops.shopOfKey(keyId), keyId);
    });
    process.stdout.write(`api key ${key.id} (${key.prefix}…) revoked at ${key.revokedAt!.toISOString()}\n`);
  },
  'import-subscribers': async (config, [pageId, flag]) => {
    if (!pageId) throw new Error('import-subscribers needs a PAGE_ID');
    const result = await withApp(config, (get) => get(SubscriberImportService).importPage(pageId, { reconcile: flag === '--reconcile' }));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  migrate: async (config) => {
    const dataSource = await openDataSource(config.database);
    try {
      const applied = await runMigrations(dataSource);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'nothing to migrate\n');
    } finally {
      await dataSource.destroy();
    }
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  await command(loadConfig(), args);
}

main().catch((error: unknown) => {
  const problems =
    error instanceof ConfigError
      ? error.problems.map((p) => `config error: ${p}`)
      : [`error: ${error instanceof Error ? error.message : String(error)}`];
  process.stderr.write(problems.join('\n') + '\n');
  process.exit(1);
});
