import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import { ShopsService } from '../shops/shops.service';
import { CliContext, print } from './cli-context';

@SubCommand({ name: 'create', arguments: '<name>', description: 'create a shop and print its first API key (shown once)' })
export class ShopsCreateCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([name]: string[], options: { locale?: string; currency?: string }): Promise<void> {
    // A bad locale or currency is a ValidationFailed whose message names it.
    const { shop, apiKey } = await this.cli.withApp((app) => app.get(ShopsService).createShop(name!, options));
    print(`shop ${shop.id} "${shop.name}" (${shop.locale}, ${shop.currency}) created`);
    print(`api key (shown once, keep it safe): ${apiKey}`);
  }

  @Option({ flags: '--locale <tag>', description: 'BCP 47 language tag of the shop (default en-PH)' })
  parseLocale(value: string): string {
    return value;
  }

  @Option({ flags: '--currency <code>', description: 'ISO 4217 currency code, in capitals (default PHP)' })
  parseCurrency(value: string): string {
    return value;
  }
}

@SubCommand({ name: 'list', description: 'list every shop: id, name, locale, currency, created' })
export class ShopsListCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run(): Promise<void> {
    const shops = await this.cli.withApp((app) => app.get(ShopsService).list());
    for (const s of shops) print(`${s.id}  ${s.name}  ${s.locale}  ${s.currency}  created ${s.createdAt.toISOString()}`);
    if (shops.length === 0) print('no shops yet (create one: shops create NAME)');
  }
}

@Command({ name: 'shops', description: 'create and list shops', subCommands: [ShopsCreateCommand, ShopsListCommand] })
export class ShopsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
