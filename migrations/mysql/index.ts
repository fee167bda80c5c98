import { CreateShopsAndPages1764000000000 } from './1764000000000-create-shops-and-pages';
import { CreateWebhookInboxAndPeople1764000001000 } from './1764000001000-create-webhook-inbox-and-people';
import { CreateTopicsAndOptins1764000002000 } from './1764000002000-create-topics-and-optins';
import { CreateSequencesAndPosNotifications1764000003000 } from './1764000003000-create-sequences-and-pos-notifications';
import { CreateBroadcasts1764000004000 } from './1764000004000-create-broadcasts';
import { IndexDoneWebhookDeliveries1764000005000 } from './1764000005000-index-done-webhook-deliveries';
import { CreateMetaUnrecognisedValues1764000006000 } from './1764000006000-create-meta-unrecognised-values';
import { OrderWebhookStateByEventTime1764000007000 } from './1764000007000-order-webhook-state-by-event-time';
import { TrackMetaUnsubscribe1764000008000 } from './1764000008000-track-meta-unsubscribe';
import { ShopLocaleAndCurrency1764000012000 } from './1764000012000-shop-locale-and-currency';
import { RecordWebhookSubjects1764000009000 } from './1764000009000-record-webhook-subjects';
import { SubscriberLocalDay1764000011000 } from './1764000011000-subscriber-local-day';
import { CampaignMetaSync1764000015000 } from './1764000015000-campaign-meta-sync';
import { DeliveryAttemptedAt1764000016000 } from './1764000016000-delivery-attempted-at';
import { Audience1764000023000 } from './1764000023000-audience';
import { CampaignRecurrence1764000023100 } from './1764000023100-campaign-recurrence';
import { CampaignResults1764000024000 } from './1764000024000-campaign-results';
import { DropAttributionOccurrenceId1764000027000 } from './1764000027000-drop-attribution-occurrence-id';
import { AudienceCountIndexes1764000028000 } from './1764000028000-audience-count-indexes';
import { CreateKeywordsAndFlows1764000021000 } from './1764000021000-create-keywords-and-flows';

import { PageTransfers1764000014000 } from './1764000014000-page-transfers';
import { DomainEventOutbox1764000018000 } from './1764000018000-domain-event-outbox';
import { DomainEventsByTime1764000018001 } from './1764000018001-domain-events-by-time';
/** Applied in this order; a new migration is appended here (no globs, as n8n does). */
export const mysqlMigrations = [
  CreateShopsAndPages1764000000000,
  CreateWebhookInboxAndPeople1764000001000,
  CreateTopicsAndOptins1764000002000,
  CreateSequencesAndPosNotifications1764000003000,
  CreateBroadcasts1764000004000,
  IndexDoneWebhookDeliveries1764000005000,
  CreateMetaUnrecognisedValues1764000006000,
  OrderWebhookStateByEventTime1764000007000,
  TrackMetaUnsubscribe1764000008000,
  RecordWebhookSubjects1764000009000,
  SubscriberLocalDay1764000011000,
  ShopLocaleAndCurrency1764000012000,
  PageTransfers1764000014000,
  CampaignMetaSync1764000015000,
  DeliveryAttemptedAt1764000016000,
  DomainEventOutbox1764000018000,
  DomainEventsByTime1764000018001,
  CreateKeywordsAndFlows1764000021000,
  Audience1764000023000,
  CampaignRecurrence1764000023100,
  CampaignResults1764000024000,
  DropAttributionOccurrenceId1764000027000,
  AudienceCountIndexes1764000028000,
];
