import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GraphApiClient } from '../../libs/graph-api/src';
import { graphClientProvider } from './graph-client.provider';
import { FreshState } from './inbox/fresh-state';
import { InboxProcessor } from './inbox/inbox-processor.service';
import { WebhookIntake } from './inbox/webhook-intake.service';
import { WebhookReceiver } from './inbox/webhook-receiver';
import { MessagingWindow } from './people/messaging-window';
import { PeopleService } from './people/people.service';
import { WebhookController } from './webhook.controller';

/**
 * Everything that talks to Meta. Exports the Graph client, the messaging window, the people registry
 * and FreshState (decide only on what Meta's acknowledged deliveries say); tells the others what happened through MessengerEvents on the event emitter.
 */
@Module({
  controllers: [WebhookController],
  providers: [graphClientProvider, WebhookIntake, WebhookReceiver, InboxProcessor, FreshState, PeopleService, MessagingWindow],
  exports: [GraphApiClient, MessagingWindow, FreshState, PeopleService, InboxProcessor, WebhookReceiver],
})
export class MessengerModule implements OnApplicationShutdown {
  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationShutdown(): void {
    this.moduleRef.get(GraphApiClient).close();
  }
}
