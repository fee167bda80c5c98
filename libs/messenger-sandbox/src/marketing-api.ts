import { DAY_MS, toUnixSeconds } from './clock';
import type { SandboxContext } from './context';
import { invalidParameter, type GraphErrorSpec } from './errors';
import { isRecord, ok, readInteger, readString, type Params, type Reply } from './http-io';
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
}

/**
 * What `POST act_{AD}/message_campaign` and `POST /{CAMPAIGN_ID}` take (Meta's send guide and changelog:
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/send-messages).
 * Anything else, e.g. `min_conversation_gap_seconds` (a parameter of the send), is refused with code 100.
 */
const CAMPAIGN_PARAMS: ReadonlySet<string> = new Set([
  'name',
  'page_id',
  'daily_budget',
  'lifetime_budget',
  'start_time',
  'end_time',
  'pixel_id',
  'status',
  'access_token',
  'appsecret_proof',
]);

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

/** `POST /{v}/{CAMPAIGN_ID}`: name, budgets, start/end time and status. */
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
  return ok({ success: true });
}

export function deleteCampaign(campaign: Campaign): Reply {
  campaign.status = 'DELETED';
  return ok({ success: true });
}

export function readCampaign(campaign: Campaign): Reply {
  return ok(campaignFields(campaign));
}

/**
 * `GET act_{AD}/campaigns` (https://developers.facebook.com/docs/marketing-api/reference/ad-account/campaigns):
 * the account's campaigns, newest first, narrowed by `filtering` (only `name` with `CONTAIN` / `EQUAL` is
 * emulated) and `effective_status` (default: all but DELETED); `limit` (default 25) rows, no paging cursor.
 */
export function listCampaigns(ctx: SandboxContext, account: AdAccount, params: Params): Reply | GraphErrorSpec {
  const filters = parseJsonParam(params.filtering);
  const statuses = parseJsonParam(params.effective_status);
  if (filters === 'invalid' || (filters !== undefined && !Array.isArray(filters)))
    return invalidParameter('filtering must be a JSON array');
  if (statuses === 'invalid' || (statuses !== undefined && !Array.isArray(statuses)))
    return invalidParameter('effective_status must be a JSON array');
  const limit = readInteger(params, 'limit');
  if (limit === 'invalid') return invalidParameter('limit must be an integer');
  const nameRules: Array<{ operator: string; value: string }> = [];
  for (const f of (filters as unknown[] | undefined) ?? []) {
    if (!isRecord(f) || f.field !== 'name' || typeof f.value !== 'string' || (f.operator !== 'CONTAIN' && f.operator !== 'EQUAL'))
      return invalidParameter('filtering: only {field: "name", operator: "CONTAIN" | "EQUAL", value} is emulated');
    nameRules.push({ operator: f.operator, value: f.value });
  }
  const wanted = new Set((statuses as unknown[] | undefined)?.map(String) ?? ['ACTIVE', 'PAUSED']);
  const rows = [...ctx.state.campaigns.values()]
    .filter((c) => c.adAccountId === account.id && wanted.has(c.status))
    .filter((c) => nameRules.every((r) => (r.operator === 'EQUAL' ? c.name === r.value : c.name.includes(r.value))))
    .sort((a, b) => b.createdAt - a.createdAt)
    .slice(0, limit ?? 25);
  return ok({ data: rows.map(campaignFields) });
}

function parseJsonParam(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return 'invalid';
  }
}

function campaignFields(campaign: Campaign): Record<string, unknown> {
  return {
    id: campaign.id,
    name: campaign.name,
    page_id: campaign.pageId,
    status: campaign.status,
    daily_budget: campaign.dailyBudget,
    lifetime_budget: campaign.lifetimeBudget,
    start_time: campaign.startTime === undefined ? undefined : toUnixSeconds(campaign.startTime),
    end_time: campaign.endTime === undefined ? undefined : toUnixSeconds(campaign.endTime),
    created_time: toUnixSeconds(campaign.createdAt),
  };
}

/**
 * Parameters of Meta's AdAccountMessageDeliveryEstimate
 * (https://developers.facebook.com/documentation/ads-commerce/marketing-api/reference/ad-account/message_delivery_estimate);
 * `fields` and the signing parameters are accepted on every Graph call.
 */
const ESTIMATE_PARAMS: ReadonlySet<string> = new Set([
  'bid_amount',
  'daily_budget',
  'is_direct_send_campaign',
  'lifetime_budget',
  'lifetime_in_days',
  'optimization_goal',
  'pacing_type',
  'promoted_object',
  'targeting_spec',
  'fields',
  'access_token',
  'appsecret_proof',
]);

/**
 * `GET /{v}/act_{AD}/message_delivery_estimate?promoted_object={"page_id":…}&lifetime_budget=…`.
 * Any parameter Meta does not list (the old `page_id`, `audience_size`) is refused with code 100, and so is
 * an estimate without the Page in `promoted_object`. The audience is the Page's subscribed tokens, capped by
 * what the budget buys (a daily budget times `lifetime_in_days`, default 1); the lower bound assumes 85 %
 * get delivered. Costs are integers in the smallest currency unit, like budgets, so they compare directly.
 */
export function deliveryEstimate(ctx: SandboxContext, account: AdAccount, params: Params): Reply | GraphErrorSpec {
  const unknown = Object.keys(params).find((key) => !ESTIMATE_PARAMS.has(key));
  if (unknown !== undefined) return invalidParameter(`Param ${unknown} is not a valid parameter of message_delivery_estimate`);
  const promoted = params.promoted_object;
  const pageId = isRecord(promoted) ? readString(promoted, 'page_id') : undefined;
  if (pageId === undefined) return invalidParameter('param promoted_object must be an object with page_id');
  const page = ctx.state.pages.get(pageId);
  if (page === undefined || !account.pageIds.has(pageId))
    return invalidParameter(`Page ${pageId} is not connected to ad account act_${account.id}`);
  const daily = readInteger(params, 'daily_budget');
  const lifetime = readInteger(params, 'lifetime_budget');
  const days = readInteger(params, 'lifetime_in_days') ?? 1;
  if (daily === 'invalid' || lifetime === 'invalid' || days === 'invalid' || Math.min(daily ?? 0, lifetime ?? 0, days) < 0)
    return invalidParameter('params daily_budget, lifetime_budget and lifetime_in_days must be non-negative integers');
  if (daily !== undefined && lifetime !== undefined) return bothBudgets();
  const budget = lifetime ?? (daily === undefined ? undefined : daily * days);
  const affordable = budget === undefined ? Number.POSITIVE_INFINITY : Math.floor(budget / account.pricePerMessage);
  const upper = Math.min(page.activeTokens, affordable);
  const lower = Math.floor(upper * 0.85);
  return ok({
    data: [
      {
        estimate_delivery_lower_bound: lower,
        estimate_delivery_upper_bound: upper,
        estimate_cost_lower_bound: lower * account.pricePerMessage,
        estimate_cost_upper_bound: upper * account.pricePerMessage,
        estimate_status: 'READY',
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
  const unknown = Object.keys(params).find((key) => !CAMPAIGN_PARAMS.has(key));
  if (unknown !== undefined) return invalidParameter(`Param ${unknown} is not a valid parameter of a message campaign`);
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
  const status = readString(params, 'status');
  if (status !== undefined && status !== 'ACTIVE' && status !== 'PAUSED')
    return invalidParameter('param status must be one of {ACTIVE, PAUSED}');
  fields.status = status;
  return fields;
}
