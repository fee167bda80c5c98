import { Module } from '@nestjs/common';
import { CliContext } from './cli-context';
import { KeysCommand, KeysCreateCommand, KeysListCommand, KeysRevokeCommand } from './keys.command';
import {
  CampaignsCommand,
  CampaignStatusCommand,
  EncryptionCommand,
  EncryptionRotateCommand,
  MigrateCommand,
  SubscribersCommand,
  SubscribersImportCommand,
} from './operations.command';
import { ShopsCommand, ShopsCreateCommand, ShopsListCommand } from './shops.command';

/** The operator's commands (nest-commander); each opens the application only for its own work. */
@Module({
  providers: [
    CliContext,
    ShopsCommand,
    ShopsCreateCommand,
    ShopsListCommand,
    KeysCommand,
    KeysCreateCommand,
    KeysListCommand,
    KeysRevokeCommand,
    SubscribersCommand,
    SubscribersImportCommand,
    CampaignsCommand,
    CampaignStatusCommand,
    EncryptionCommand,
    EncryptionRotateCommand,
    MigrateCommand,
  ],
})
export class CliModule {}
