import { Command, CommandRunner, Option, SubCommand } from 'nest-commander';
import type { DataSource } from 'typeorm';
import { CampaignsService } from '../broadcasts/campaigns.service';
import { TokenCipher } from '../common/token-cipher';
import { openDataSource } from '../database/data-source';
import { EncryptionKeyRotation } from '../database/encryption-rotation';
import { runMigrations } from '../database/migrate';
import { PLUGIN_DATA_SOURCE_TOKEN } from '../database/plugin-data-source';
import { SubscriberImportService } from '../optins/subscriber-import.service';
import { CliContext, CliError, orNotFound, print } from './cli-context';

const positiveInt =
  (name: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive integer (got "${value}")`);
    return n;
  };

@Command({ name: 'migrate', description: 'apply pending migrations (under the migration lock on MySQL), as every start does' })
export class MigrateCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run(): Promise<void> {
    const dataSource = await openDataSource((await this.cli.config()).database);
    try {
      const applied = await runMigrations(dataSource);
      print(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to migrate');
    } finally {
      await dataSource.destroy();
    }
  }
}

@SubCommand({
  name: 'import',
  arguments: '<pageId>',
  description: "pull the Page's subscription tokens from Meta into the plugin (one JSON line of counts)",
})
export class SubscribersImportCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([pageId]: string[], options: { reconcile?: boolean }): Promise<void> {
    const result = await this.cli.withApp((app) =>
      orNotFound(app.get(SubscriberImportService).importPage(pageId!, { reconcile: options.reconcile === true }), 'page', pageId!),
    );
    print(JSON.stringify(result));
  }

  @Option({ flags: '--reconcile', description: 'also mark the subscriptions Meta no longer lists' })
  parseReconcile(): boolean {
    return true;
  }
}

@Command({ name: 'subscribers', description: "import a Page's subscribers from Meta", subCommands: [SubscribersImportCommand] })
export class SubscribersCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}

@SubCommand({
  name: 'status',
  arguments: '<campaignId>',
  description: "a campaign's status and progress (JSON, as GET …/campaigns/:id/progress)",
})
export class CampaignStatusCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run([campaignId]: string[]): Promise<void> {
    const progress = await this.cli.withApp(async (app) => {
      // The operator names the campaign only: its Page and shop come from the database.
      const [owner] = (await app
        .get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN)
        .query('SELECT c.page_id, p.shop_id FROM campaigns c JOIN pages p ON p.id = c.page_id WHERE c.id = ?', [campaignId])) as Array<{
        page_id: string;
        shop_id: string;
      }>;
      if (!owner) throw new CliError(`no campaign with id ${campaignId}`);
      return app.get(CampaignsService).progress(owner.shop_id, owner.page_id, campaignId!);
    });
    print(JSON.stringify(progress, null, 2));
  }
}

@Command({ name: 'campaigns', description: 'look at campaigns', subCommands: [CampaignStatusCommand] })
export class CampaignsCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}

@SubCommand({
  name: 'rotate',
  description:
    're-encrypt every stored token and secret with ENCRYPTION_KEY, reading the old ones with ENCRYPTION_KEY_PREVIOUS; ' +
    'in batches, resumable (run it again after a stop: it continues where the values say)',
})
export class EncryptionRotateCommand extends CommandRunner {
  constructor(private readonly cli: CliContext) {
    super();
  }

  async run(_: string[], options: { batchSize?: number; maxBatches?: number }): Promise<void> {
    const config = await this.cli.config();
    const results = await this.cli.withApp((app) =>
      new EncryptionKeyRotation(app.get<DataSource>(PLUGIN_DATA_SOURCE_TOKEN), app.get(TokenCipher)).rotate({
        batchSize: options.batchSize ?? 500,
        maxBatches: options.maxBatches ?? Infinity,
      }),
    );
    for (const r of results) print(`${r.table}.${r.column}: ${r.reencrypted} re-encrypted, ${r.remaining} remaining`);
    const remaining = results.reduce((n, r) => n + r.remaining, 0);
    if (remaining > 0) print(`${remaining} values still under a previous key: run this again to continue`);
    else if (config.previousEncryptionKeys.length > 0)
      print('done: every value is under ENCRYPTION_KEY; ENCRYPTION_KEY_PREVIOUS can be removed');
    else print('done: every value is under ENCRYPTION_KEY');
  }

  @Option({ flags: '--batch-size <rows>', description: 'rows per batch, each batch one transaction (default 500)' })
  parseBatchSize(value: string): number {
    return positiveInt('--batch-size')(value);
  }

  @Option({ flags: '--max-batches <n>', description: 'stop after this many batches (rotate in slices; run again to continue)' })
  parseMaxBatches(value: string): number {
    return positiveInt('--max-batches')(value);
  }
}

@Command({ name: 'encryption', description: 'the encryption key of stored tokens and secrets', subCommands: [EncryptionRotateCommand] })
export class EncryptionCommand extends CommandRunner {
  async run(): Promise<void> {
    this.command.help();
  }
}
