import { Command, CommandRunner, SubCommand } from 'nest-commander';
import { ShopsService } from '../shops/shops.service';
import { CliContext, orNotFound, print } from './cli-context';

@SubCommand({ name: 'create', arguments: '<shopId>', description: 'print a new API key for a shop (shown once)' })
export class KeysCreateCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([shopId]: string[]): Promise<void> {
    const { id, apiKey } = await this.cli.withApp(async (app) => {
      const shops = app.get(ShopsService);
      // Checked first: the insert alone would fail on its foreign key, in the database's words.
      await orNotFound(shops.get(shopId!), 'shop', shopId!);
      return shops.createKey(shopId!);
    });
    print(`api key ${id} (shown once): ${apiKey}`);
  }
}

@SubCommand({ name: 'list', arguments: '<shopId>', description: "list a shop's API keys: id, prefix, created, revoked or active" })
export class KeysListCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([shopId]: string[]): Promise<void> {
    const keys = await this.cli.withApp(async (app) => {
      const shops = app.get(ShopsService);
      await orNotFound(shops.get(shopId!), 'shop', shopId!);
      return shops.listKeys(shopId!);
    });
    for (const key of keys) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
      print(`${key.id}  ${key.prefix}…  created ${key.createdAt.toISOString()}  ${state}`);
    }
  }
}

@SubCommand({ name: 'revoke', arguments: '<keyId>', description: 'revoke an API key: refused at once by every running process' })
export class KeysRevokeCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([keyId]: string[]): Promise<void> {
    const key = await this.cli.withApp(async (app) => {
      const shops = app.get(ShopsService);
      return shops.revokeKey(await orNotFound(shops.shopOfKey(keyId!), 'API key', keyId!), keyId!);
    });
    print(`api key ${key.id} (${key.prefix}…) revoked at ${key.revokedAt!.toISOString()}`);
  }
}

@Command({
  name: 'keys',
  description: "create, list and revoke a shop's API keys",
  subCommands: [KeysCreateCommand, KeysListCommand, KeysRevokeCommand],
})
export class KeysCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
