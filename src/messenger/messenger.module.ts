import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphApiClient } from '../../libs/graph-api/src';
import { PagesModule } from '../pages/pages.module';
import { ShopsModule } from '../shops/shops.module';
import { graphClientProvider } from './graph-client.provider';
import { FreshState } from './inbox/fresh-state';
import { InboxProcessor } from './inbox/inbox-processor.service';
import { WebhookIntake } from './inbox/webhook-intake.service';
import { WebhookReceiver } from './inbox/webhook-receiver';
import { MessagingWindow } from './people/messaging-window';
import { PeopleService } from './people/people.service';
import { UnrecognisedValuesController } from './unrecognised/unrecognised-values.controller';
import { UnrecognisedValues } from './unrecognised/unrecognised-values.service';
import { WebhookController } from './webhook.controller';

/**
 * Everything that talks to Meta. Exports the Graph client, the messaging window, the people registry
 * the record of values Meta sent that we do not recognise, and FreshState (decide only on what Meta's acknowledged
 * deliveries say); tells the others what happened through MessengerEvents on the event emitter.
 */
@Module({
  imports: [ShopsModule, PagesModule],
  controllers: [WebhookController, UnrecognisedValuesController],
  providers: [
    graphClientProvider,
    WebhookIntake,
    WebhookReceiver,
    InboxProcessor,
    FreshState,
    PeopleService,
    MessagingWindow,
    UnrecognisedValues,
  ],
  exports: [GraphApiClient, MessagingWindow, FreshState, PeopleService, InboxProcessor, WebhookReceiver, UnrecognisedValues],
})
export class MessengerModule implements OnApplicationShutdown {
  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationShutdown(): void {
    this.moduleRef.get(GraphApiClient).close();
  }
}
