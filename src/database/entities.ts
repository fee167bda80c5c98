import { ApiKey } from '../shops/api-key.entity';
import { Shop } from '../shops/shop.entity';
import { Page } from '../pages/page.entity';
import { WebhookInboxRow } from '../messenger/inbox/webhook-inbox.entity';
import { Person } from '../messenger/people/person.entity';
import { Topic } from '../topics/entities/topic.entity';
import { OptinRequest } from '../optins/entities/optin-request.entity';
import { Subscription } from '../optins/entities/subscription.entity';

/** Every entity, listed explicitly (no globs): a module adds its entities here. */
export const entities = [Shop, ApiKey, Page, WebhookInboxRow, Person, Topic, OptinRequest, Subscription];
