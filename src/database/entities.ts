import { ApiKey } from '../shops/api-key.entity';
import { Shop } from '../shops/shop.entity';
import { Page } from '../pages/page.entity';
import { WebhookInboxRow } from '../messenger/inbox/webhook-inbox.entity';
import { Person } from '../messenger/people/person.entity';
import { Topic } from '../topics/entities/topic.entity';
import { OptinRequest } from '../optins/entities/optin-request.entity';
import { Subscription } from '../optins/entities/subscription.entity';
import { Sequence } from '../sequences/entities/sequence.entity';
import { SequenceStep } from '../sequences/entities/sequence-step.entity';
import { SequenceRun } from '../sequences/entities/sequence-run.entity';
import { RunStep } from '../sequences/entities/run-step.entity';
import { NotificationRule } from '../pos-notifications/entities/notification-rule.entity';
import { OrderEvent } from '../pos-notifications/entities/order-event.entity';
import { Campaign } from '../broadcasts/entities/campaign.entity';
import { CampaignDelivery } from '../broadcasts/entities/campaign-delivery.entity';
import { DailySend } from '../broadcasts/entities/daily-send.entity';
import { PageBroadcastSettings } from '../broadcasts/entities/page-broadcast-settings.entity';
import { CustomerOrder } from '../audience/entities/customer-order.entity';
import { CustomerOrderSummary } from '../audience/entities/customer-order-summary.entity';
import { CustomerPurchase } from '../audience/entities/customer-purchase.entity';
import { CustomerTag } from '../audience/entities/customer-tag.entity';
import { Segment } from '../audience/entities/segment.entity';
import { Flow } from '../flows/entities/flow.entity';
import { FlowVersion } from '../flows/entities/flow-version.entity';
import { KeywordRule } from '../keywords/entities/keyword-rule.entity';

/** Every entity, listed explicitly (no globs): a module adds its entities here. */
export const entities = [
  Shop,
  ApiKey,
  Page,
  WebhookInboxRow,
  Person,
  Topic,
  OptinRequest,
  Subscription,
  Sequence,
  SequenceStep,
  SequenceRun,
  RunStep,
  NotificationRule,
  OrderEvent,
  Campaign,
  CampaignDelivery,
  DailySend,
  PageBroadcastSettings,
  CustomerOrder,
  CustomerOrderSummary,
  CustomerPurchase,
  CustomerTag,
  Segment,
  Flow,
  FlowVersion,
  KeywordRule,
];
