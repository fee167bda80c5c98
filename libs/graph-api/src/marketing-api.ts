import { adAccountSegment, segment, unixSeconds, type GraphRequest } from './graph-request';
import { asNumber, asRecord, asString } from './json';
import { META_TEXT_LIMITS, requireMetaText } from './meta-text';
import type {
  CampaignInsights,
  CreateMessageCampaignInput,
  DeliveryEstimate,
  DeliveryEstimateInput,
  InsightsRange,
  MessageCampaign,
  SendMarketingMessageInput,
  SuccessResult,
  UpdateMessageCampaignInput,
} from './types';

/** Marketing Message API for Messenger; every call takes the system-user token. */

/** Meta's message limit for marketing texts (the Send API allows more), counted by `metaTextLength`. */
export const MAX_MARKETING_TEXT_LENGTH = META_TEXT_LIMITS.marketingText;

const requireOneBudget = (daily: number | undefined, lifetime: number | undefined): void => {
  if (daily !== undefined && lifetime !== undefined) {
    throw new RangeError('a message campaign takes dailyBudget or lifetimeBudget, not both');
  }
};

export const createMessageCampaignRequest = (
  token: string,
  adAccountId: string,
  input: CreateMessageCampaignInput,
): GraphRequest<{ id: string }> => {
  requireOneBudget(input.dailyBudget, input.lifetimeBudget);
  return {
    method: 'POST',
    path: `/${adAccountSegment(adAccountId)}/message_campaign`,
    accessToken: token,
    body: {
      name: input.name,
      page_id: input.pageId,
      ...(input.dailyBudget !== undefined && { daily_budget: input.dailyBudget }),
      ...(input.lifetimeBudget !== undefined && { lifetime_budget: input.lifetimeBudget }),
      ...(input.startTime !== undefined && { start_time: unixSeconds(input.startTime) }),
      ...(input.endTime !== undefined && { end_time: unixSeconds(input.endTime) }),
      ...(input.pixelId !== undefined && { pixel_id: input.pixelId }),
    },
    // A repeated create after an unknown outcome could leave a second, orphaned campaign.
    repeatable: false,
    readResponse: readId,
  };
};

export const updateMessageCampaignRequest = (
  token: string,
  campaignId: string,
  input: UpdateMessageCampaignInput,
): GraphRequest<SuccessResult> => {
  requireOneBudget(input.dailyBudget, input.lifetimeBudget);
  return {
    method: 'POST',
    path: `/${segment(campaignId)}`,
    accessToken: token,
    body: {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.dailyBudget !== undefined && { daily_budget: input.dailyBudget }),
      ...(input.lifetimeBudget !== undefined && { lifetime_budget: input.lifetimeBudget }),
      ...(input.endTime !== undefined && { end_time: unixSeconds(input.endTime) }),
      ...(input.status !== undefined && { status: input.status }),
    },
    // Setting the same fields twice leaves the same campaign.
    repeatable: true,
    readResponse: readSuccess,
  };
};

export const deleteMessageCampaignRequest = (token: string, campaignId: string): GraphRequest<SuccessResult> => ({
  method: 'DELETE',
  path: `/${segment(campaignId)}`,
  accessToken: token,
  repeatable: true,
  readResponse: readSuccess,
});

const CAMPAIGN_FIELDS = 'id,name,status,daily_budget,lifetime_budget';

/** `GET /<MESSAGE_CAMPAIGN_ID>?fields=…` (https://developers.facebook.com/docs/marketing-api/reference/ad-campaign-group#Reading). */
export const readMessageCampaignRequest = (token: string, campaignId: string): GraphRequest<MessageCampaign> => ({
  method: 'GET',
  path: `/${segment(campaignId)}`,
  accessToken: token,
  query: { fields: CAMPAIGN_FIELDS },
  repeatable: true,
  readResponse: readMessageCampaign,
});

/**
 * `GET act_<AD_ACCOUNT_ID>/campaigns` filtered by name, as the Ad Account campaigns edge documents
 * (https://developers.facebook.com/docs/marketing-api/reference/ad-account/campaigns: `filtering` with
 * `operator: CONTAIN`); a message campaign is one of the ad account's campaigns.
 */
export const findMessageCampaignsRequest = (token: string, adAccountId: string, nameContains: string): GraphRequest<MessageCampaign[]> => ({
  method: 'GET',
  path: `/${adAccountSegment(adAccountId)}/campaigns`,
  accessToken: token,
  query: {
    fields: CAMPAIGN_FIELDS,
    filtering: JSON.stringify([{ field: 'name', operator: 'CONTAIN', value: nameContains }]),
    effective_status: JSON.stringify(['ACTIVE', 'PAUSED']),
    limit: 25,
  },
  repeatable: true,
  readResponse: (body) => {
    const data = asRecord(body)?.data;
    if (!Array.isArray(data)) return undefined;
    const rows = data.map(readMessageCampaign);
    return rows.every((r): r is MessageCampaign => r !== undefined) ? rows : undefined;
  },
});

/** Graph returns budgets as numeric strings ("5000"); `asNumber` reads both spellings. */
const readMessageCampaign = (body: unknown): MessageCampaign | undefined => {
  const row = asRecord(body);
  const id = asString(row?.id);
  if (row === undefined || id === undefined) return undefined;
  const daily = asNumber(row.daily_budget);
  const lifetime = asNumber(row.lifetime_budget);
  return {
    id,
    name: asString(row.name) ?? '',
    status: asString(row.status) ?? '',
    ...(daily !== undefined && { dailyBudget: daily }),
    ...(lifetime !== undefined && { lifetimeBudget: lifetime }),
  };
};

/** The AdAccountMessageDeliveryEstimate fields the client reads (a Graph edge returns only fields it is asked for). */
const ESTIMATE_FIELDS = [
  'estimate_delivery_lower_bound',
  'estimate_delivery_upper_bound',
  'estimate_cost_lower_bound',
  'estimate_cost_upper_bound',
  'estimate_status',
];

/**
 * `GET act_<AD_ACCOUNT_ID>/message_delivery_estimate` with the parameters Meta's reference lists
 * (https://developers.facebook.com/documentation/ads-commerce/marketing-api/reference/ad-account/message_delivery_estimate):
 * `promoted_object` (JSON, the Page), `is_direct_send_campaign`, one of `daily_budget` / `lifetime_budget`
 * (smallest currency unit), `lifetime_in_days`, optional `bid_amount` and `optimization_goal`; all in the
 * query, as on every GET. Meta takes the audience from the Page's subscribers: there is no audience-size parameter.
 */
export const deliveryEstimateRequest = (
  token: string,
  adAccountId: string,
  input: DeliveryEstimateInput,
): GraphRequest<DeliveryEstimate> => {
  requireOneBudget(input.dailyBudget, input.lifetimeBudget);
  return {
    method: 'GET',
    path: `/${adAccountSegment(adAccountId)}/message_delivery_estimate`,
    accessToken: token,
    query: {
      promoted_object: JSON.stringify({ page_id: input.pageId }),
      // Marketing Message API campaigns are "direct send" campaigns (namespace MARKETING_MESSAGES_DIRECT).
      is_direct_send_campaign: true,
      daily_budget: input.dailyBudget,
      lifetime_budget: input.lifetimeBudget,
      lifetime_in_days: input.lifetimeInDays,
      bid_amount: input.bidAmount,
      optimization_goal: input.optimizationGoal,
      fields: ESTIMATE_FIELDS.join(','),
    },
    repeatable: true,
    readResponse: readDeliveryEstimate,
  };
};

export const sendMarketingMessageRequest = (
  token: string,
  adAccountId: string,
  input: SendMarketingMessageInput,
): GraphRequest<{ trackingId: string }> => {
  if ('text' in input.message) requireMetaText('marketing text', input.message.text, MAX_MARKETING_TEXT_LENGTH);
  return {
    method: 'POST',
    path: `/${adAccountSegment(adAccountId)}/messages`,
    accessToken: token,
    body: {
      message_id: input.messageCampaignId,
      messenger_delivery_data: { subscription_token: input.subscriptionToken },
      message: input.message,
      // A send parameter, not a campaign one (changelog 2026-06-11, "Conversation Gap Send Control").
      ...(input.minConversationGapSeconds !== undefined && { min_conversation_gap_seconds: input.minConversationGapSeconds }),
    },
    // No idempotency key: a repeat after an unknown outcome could bill and deliver twice.
    repeatable: false,
    secrets: [input.subscriptionToken],
    readResponse: readTrackingId,
  };
};

const INSIGHT_FIELDS = [
  'marketing_messages_delivered',
  'marketing_messages_read_rate',
  'marketing_messages_link_btn_click',
  'marketing_messages_spend',
  'marketing_messages_cost_per_delivered',
];

export const campaignInsightsRequest = (token: string, campaignId: string, range: InsightsRange = {}): GraphRequest<CampaignInsights> => ({
  method: 'GET',
  path: `/${segment(campaignId)}/insights`,
  accessToken: token,
  query: {
    fields: INSIGHT_FIELDS.join(','),
    date_preset: range.datePreset,
    time_range: range.timeRange !== undefined ? JSON.stringify(range.timeRange) : undefined,
  },
  repeatable: true,
  readResponse: readInsights,
});

const readId = (body: unknown): { id: string } | undefined => {
  const id = asString(asRecord(body)?.id);
  return id !== undefined ? { id } : undefined;
};

const readSuccess = (body: unknown): SuccessResult | undefined => {
  const success = asRecord(body)?.success;
  return typeof success === 'boolean' ? { success } : undefined;
};

const readTrackingId = (body: unknown): { trackingId: string } | undefined => {
  const trackingId = asString(asRecord(body)?.marketing_message_tracking_id);
  return trackingId !== undefined ? { trackingId } : undefined;
};

/** Meta answers `{ data: [ {...} ] }`; a bare object is accepted too. */
const firstRow = (body: unknown): Record<string, unknown> | undefined => {
  const record = asRecord(body);
  const data = record?.data;
  if (Array.isArray(data)) return data.length > 0 ? (asRecord(data[0]) ?? {}) : {};
  return record;
};

const readDeliveryEstimate = (body: unknown): DeliveryEstimate | undefined => {
  const row = firstRow(body);
  if (row === undefined) return undefined;
  const estimate: DeliveryEstimate = {};
  const set = (key: keyof Omit<DeliveryEstimate, 'status'>, field: string): void => {
    const n = asNumber(row[field]);
    if (n !== undefined) estimate[key] = n;
  };
  set('deliveryLowerBound', 'estimate_delivery_lower_bound');
  set('deliveryUpperBound', 'estimate_delivery_upper_bound');
  set('costLowerBound', 'estimate_cost_lower_bound');
  set('costUpperBound', 'estimate_cost_upper_bound');
  const status = asString(row.estimate_status);
  if (status !== undefined) estimate.status = status;
  return estimate;
};

/** An empty `data` means nothing was delivered yet: zeros, not an error. */
const readInsights = (body: unknown): CampaignInsights | undefined => {
  const row = firstRow(body);
  if (row === undefined) return undefined;
  const num = (field: string): number => asNumber(row[field]) ?? 0;
  return {
    delivered: num('marketing_messages_delivered'),
    readRate: num('marketing_messages_read_rate'),
    clicks: num('marketing_messages_link_btn_click'),
    spend: num('marketing_messages_spend'),
    costPerDelivered: num('marketing_messages_cost_per_delivered'),
  };
};
