import { DAY_MS, toUnixSeconds } from './clock';
import type { SandboxContext } from './context';
import { invalidParameter, type GraphErrorSpec } from './errors';
import { ok, readInteger, readString, type Params, type Reply } from './http-io';
import type { AdAccount, Campaign, CampaignStatus } from './model';
import { toMainUnitString } from './money';

/** Lifetime budgets without an end_time run for 30 days. */
const LIFETIME_DEFAULT_RUN_MS = 30 * DAY_MS;

interface CampaignFields {
  name?: string;
  pageId?: string;
  dailyBudget?: number;
  lifetimeBudget?: number;
  startTime?: number;
  endTime?: number;
  status?: Exclude<CampaignStatus, 'DELETED'>;
  minConversationGapSeconds?: number;
}

/** `POST /{v}/act_{AD}/message_campaign`. Creating a campaign is free; its warm-up hour starts now. */
export function createCampaign(ctx: SandboxContext, account: AdAccount, params: Params): Reply | GraphErrorSpec {
  const fields = readCampaignFields(params);
  if ('code' in fields) return fields;
  if (fields.name === undefined) return invalidParameter('param name is required');
  if (fields.pageId === undefined) return invalidParameter('param page_id is required');
  if (!account.pageIds.has(fields.pageId))
    return invalidParameter(`Page ${fields.pageId} is not connected to ad account act_${account.id}`);
  if (fields.dailyBudget !== undefined && fields.lifetimeBudget !== undefined) return bothBudgets();
  const now = ctx.clock.now();
  const endTime = fields.endTime ?? (fields.lifetimeBudget !== undefined ? (fields.startTime ?? now) + LIFETIME_DEFAULT_RUN_MS : undefined);
  if (fields.startTime !== undefined && endTime !== undefined && endTime <= fields.startTime)
    return invalidParameter('end_time must be after start_time');

  const campaign: Campaign = {
    id: ctx.ids.campaignId(),
    adAccountId: account.id,
    pageId: fields.pageId,
    name: fields.name,
    status: fields.status ?? 'ACTIVE',
    dailyBudget: fields.dailyBudget,
    lifetimeBudget: fields.lifetimeBudget,
    startTime: fields.startTime,
    endTime,
    minConversationGapSeconds: fields.minConversationGapSeconds,
    createdAt: now,
    spend: 0,
    spendDay: 0,
    spendToday: 0,
    delivered: 0,
    sentTokens: new Set(),
  };
  ctx.state.campaigns.set(campaign.id, campaign);
  return ok({ id: campaign.id });
}

/** `POST /{v}/{CAMPAIGN_ID}`: name, budgets, start/end time, status and the conversation gap. */
export function updateCampaign(campaign: Campaign, params: Params): Reply | GraphErrorSpec {
  if (campaign.status === 'DELETED') return invalidParameter('The campaign has been deleted and cannot be edited');
  const fields = readCampaignFields(params);
  if ('code' in fields) return fields;
  if (fields.pageId !== undefined && fields.pageId !== campaign.pageId) return invalidParameter('page_id cannot be changed');
  const dailyBudget = fields.dailyBudget ?? campaign.dailyBudget;
  const lifetimeBudget = fields.lifetimeBudget ?? campaign.lifetimeBudget;
  if (dailyBudget !== undefined && lifetimeBudget !== undefined) return bothBudgets();
  const startTime = fields.startTime ?? campaign.startTime;
  const endTime = fields.endTime ?? campaign.endTime;
  if (startTime !== undefined && endTime !== undefined && endTime <= startTime)
    return invalidParameter('end_time must be after start_time');

  campaign.name = fields.name ?? campaign.name;
  campaign.status = fields.status ?? campaign.status;
  campaign.dailyBudget = dailyBudget;
  campaign.lifetimeBudget = lifetimeBudget;
  campaign.startTime = startTime;
  campaign.endTime = endTime;
  campaign.minConversationGapSeconds = fields.minConversationGapSeconds ?? campaign.minConversationGapSeconds;
  return ok({ success: true });
}

export function deleteCampaign(campaign: Campaign): Reply {
  campaign.status = 'DELETED';
  return ok({ success: true });
}

export function readCampaign(campaign: Campaign): Reply {
  return ok({
    id: campaign.id,
    name: campaign.name,
    page_id: campaign.pageId,
    status: campaign.status,
    daily_budget: campaign.dailyBudget,
    lifetime_budget: campaign.lifetimeBudget,
    start_time: campaign.startTime === undefined ? undefined : toUnixSeconds(campaign.startTime),
    end_time: campaign.endTime === undefined ? undefined : toUnixSeconds(campaign.endTime),
    min_conversation_gap_seconds: campaign.minConversationGapSeconds,
    created_time: toUnixSeconds(campaign.createdAt),
  });
}

/**
 * `GET /{v}/act_{AD}/message_delivery_estimate?page_id=&audience_size=`. Costs are integers in the
 * smallest currency unit, like budgets, so they compare directly. The audience defaults to the
 * Page's subscribed tokens; the lower bound assumes 85 % get delivered.
 */
export function deliveryEstimate(ctx: SandboxContext, account: AdAccount, params: Params): Reply | GraphErrorSpec {
  const pageId = readString(params, 'page_id');
  if (pageId === undefined) return invalidParameter('param page_id is required');
  const page = ctx.state.pages.get(pageId);
  if (page === undefined || !account.pageIds.has(pageId))
    return invalidParameter(`Page ${pageId} is not connected to ad account act_${account.id}`);
  const size = readInteger(params, 'audience_size') ?? page.activeTokens;
  if (size === 'invalid' || size < 0) return invalidParameter('param audience_size must be a non-negative integer');
  const lower = Math.floor(size * 0.85);
  return ok({
    data: [
      {
        // Named as Meta names the ranges of its other delivery estimates (estimate_*_lower_bound / _upper_bound).
        estimate_delivery_lower_bound: lower,
        estimate_delivery_upper_bound: size,
        estimate_cost_lower_bound: lower * account.pricePerMessage,
        estimate_cost_upper_bound: size * account.pricePerMessage,
        estimate_status: 'READY',
        currency: account.currency,
      },
    ],
  });
}

/**
 * `GET /{v}/{CAMPAIGN_ID}/insights`. Values are strings, as in Meta's Insights API; money in the
 * currency's main unit. The sandbox counts every accepted send as delivered and never as read.
 */
export function campaignInsights(ctx: SandboxContext, campaign: Campaign, account: AdAccount): Reply {
  const costPerDelivered = campaign.delivered === 0 ? 0 : campaign.spend / campaign.delivered;
  return ok({
    data: [
      {
        marketing_messages_delivered: String(campaign.delivered),
        marketing_messages_read_rate: '0',
        marketing_messages_link_btn_click: '0',
        marketing_messages_spend: toMainUnitString(campaign.spend, account.currency),
        marketing_messages_cost_per_delivered: toMainUnitString(costPerDelivered, account.currency),
        date_start: isoDay(campaign.createdAt),
        date_stop: isoDay(ctx.clock.now()),
      },
    ],
  });
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function bothBudgets(): GraphErrorSpec {
  return invalidParameter('Only one of daily_budget and lifetime_budget can be set');
}

function readCampaignFields(params: Params): CampaignFields | GraphErrorSpec {
  const fields: CampaignFields = { name: readString(params, 'name'), pageId: readString(params, 'page_id') };
  for (const [key, target] of [
    ['daily_budget', 'dailyBudget'],
    ['lifetime_budget', 'lifetimeBudget'],
  ] as const) {
    const value = readInteger(params, key);
    if (value === 'invalid' || (value !== undefined && value <= 0))
      return invalidParameter(`param ${key} must be a positive integer in the smallest currency unit`);
    fields[target] = value;
  }
  for (const [key, target] of [
    ['start_time', 'startTime'],
    ['end_time', 'endTime'],
  ] as const) {
    const value = readInteger(params, key);
    if (value === 'invalid' || (value !== undefined && value < 0)) return invalidParameter(`param ${key} must be a unix time in seconds`);
    fields[target] = value === undefined ? undefined : value * 1000;
  }
  const gap = readInteger(params, 'min_conversation_gap_seconds');
  if (gap === 'invalid' || (gap !== undefined && gap < 0))
    return invalidParameter('param min_conversation_gap_seconds must be a non-negative integer');
  fields.minConversationGapSeconds = gap;
  const status = readString(params, 'status');
  if (status !== undefined && status !== 'ACTIVE' && status !== 'PAUSED')
    return invalidParameter('param status must be one of {ACTIVE, PAUSED}');
  fields.status = status;
  return fields;
}
