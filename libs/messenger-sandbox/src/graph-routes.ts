import type { IncomingMessage } from 'node:http';
import { accessTokenOf, authenticate } from './auth';
import type { SandboxContext } from './context';
import {
  applicationRateLimit,
  marketingError,
  objectNotAccessible,
  sendApiRateLimit,
  temporarySendFailure,
  transientError,
  unknownPath,
  type GraphErrorSpec,
} from './errors';
import { ok, readString, type Params, type Reply } from './http-io';
import {
  campaignInsights,
  createCampaign,
  deleteCampaign,
  deliveryEstimate,
  listCampaigns,
  readCampaign,
  updateCampaign,
} from './marketing-api';
import { sendMarketingMessage } from './marketing-send';
import type { AdAccount, Campaign, Page, Principal } from './model';
import { sendApiMessage } from './send-api';
import { listNotificationTokens, unsubscribeCustomers } from './token-api';

export const GRAPH_PATH = /^\/v\d+\.\d+(\/.*)?$/;

/** What a path asks for; `id` is the first path segment (a Page id, `me`, `act_…` or a campaign id). */
type Route =
  | { kind: 'send_api' | 'token_list' | 'unsubscribe'; id: string }
  | { kind: 'campaign_create' | 'campaign_list' | 'marketing_send' | 'estimate'; id: string }
  | { kind: 'insights' | 'campaign'; id: string }
  | { kind: 'me' | 'ad_account'; id: string };

export interface GraphRequest {
  method: string;
  url: URL;
  params: Params;
  raw: IncomingMessage;
}

/** Auth, faults, then the endpoint: the order a Graph call goes through. */
export function handleGraphRequest(ctx: SandboxContext, request: GraphRequest): Reply | GraphErrorSpec {
  const { state } = ctx;
  state.counters.requests++;
  const path = request.url.pathname.replace(/^\/v\d+\.\d+/, '');
  const segments = path.split('/').filter((segment) => segment !== '');
  const route = matchRoute(request.method, segments);
  if (route === undefined) {
    return segments.length === 1 ? objectNotAccessible(request.method, segments[0]) : unknownPath(path);
  }

  const auth = authenticate(
    state,
    ctx.appSecret,
    accessTokenOf(request.raw, request.params),
    readString(request.params, 'appsecret_proof'),
  );
  if ('error' in auth) return auth.error;

  const faults = state.faults;
  if (faults.errorRate > 0 && Math.random() < faults.errorRate) return transientError();
  if (faults.rateLimitNext > 0) {
    faults.rateLimitNext--;
    return rateLimitFor(route);
  }
  if (faults.transientNext > 0) {
    faults.transientNext--;
    return temporarySendFailure();
  }
  return dispatch(ctx, request, route, auth.principal);
}

function matchRoute(method: string, segments: string[]): Route | undefined {
  const [id, edge, subEdge] = segments;
  if (id === undefined) return undefined;
  const isAdAccount = id.startsWith('act_');
  if (segments.length === 1 && method === 'GET' && id === 'me') return { kind: 'me', id };
  if (segments.length === 1 && method === 'GET' && isAdAccount) return { kind: 'ad_account', id };
  if (segments.length === 1 && !isAdAccount && (method === 'GET' || method === 'POST' || method === 'DELETE'))
    return { kind: 'campaign', id };
  if (segments.length === 2 && method === 'POST' && edge === 'messages') return { kind: isAdAccount ? 'marketing_send' : 'send_api', id };
  if (segments.length === 2 && method === 'GET' && edge === 'notification_message_tokens' && !isAdAccount)
    return { kind: 'token_list', id };
  if (segments.length === 3 && method === 'POST' && edge === 'messaging_customer_base' && subEdge === 'unsubscribe' && !isAdAccount) {
    return { kind: 'unsubscribe', id };
  }
  if (segments.length === 2 && method === 'POST' && edge === 'message_campaign' && isAdAccount) return { kind: 'campaign_create', id };
  if (segments.length === 2 && method === 'GET' && edge === 'campaigns' && isAdAccount) return { kind: 'campaign_list', id };
  if (segments.length === 2 && method === 'GET' && edge === 'message_delivery_estimate' && isAdAccount) return { kind: 'estimate', id };
  if (segments.length === 2 && method === 'GET' && edge === 'insights' && !isAdAccount) return { kind: 'insights', id };
  return undefined;
}

/**
 * The rateLimitNext fault answers each endpoint with its own throttle: the Send API's 613,
 * the Marketing Message API's 2300078 / 2300079 / 2300080, and code 4 for the rest.
 */
function rateLimitFor(route: Route): GraphErrorSpec {
  switch (route.kind) {
    case 'send_api':
      return sendApiRateLimit();
    case 'marketing_send':
      return marketingError(2300078, { remaining_seconds: 60 });
    case 'campaign_create':
      return marketingError(2300079, { remaining_seconds: 60 });
    case 'token_list':
      return marketingError(2300080, { remaining_seconds: 3600 });
    case 'unsubscribe':
    case 'campaign_list':
    case 'estimate':
    case 'insights':
    case 'campaign':
    case 'me':
    case 'ad_account':
      return applicationRateLimit();
  }
}

function dispatch(ctx: SandboxContext, request: GraphRequest, route: Route, principal: Principal): Reply | GraphErrorSpec {
  switch (route.kind) {
    case 'me': {
      // Only Page tokens are modelled as nodes; a system user's own node is not something the plugin reads.
      const page = pageFor(ctx, 'me', principal);
      if (page === undefined) return objectNotAccessible(request.method, route.id);
      return ok(pickFields({ id: page.id, name: page.name }, request.params));
    }
    case 'ad_account': {
      const account = adAccountFor(ctx, route.id, principal);
      if (account === undefined) return objectNotAccessible(request.method, route.id);
      return ok(pickFields({ id: `act_${account.id}`, account_status: ACCOUNT_STATUS_ACTIVE, currency: account.currency }, request.params));
    }
    case 'send_api':
    case 'token_list':
    case 'unsubscribe': {
      const page = pageFor(ctx, route.id, principal);
      if (page === undefined) return objectNotAccessible(request.method, route.id);
      if (route.kind === 'send_api') return sendApiMessage(ctx, page, request.params);
      if (route.kind === 'token_list') return listNotificationTokens(ctx, page, request.params, request.url);
      return unsubscribeCustomers(ctx, page, request.params);
    }
    case 'campaign_create':
    case 'campaign_list':
    case 'marketing_send':
    case 'estimate': {
      const account = adAccountFor(ctx, route.id, principal);
      if (account === undefined) return objectNotAccessible(request.method, route.id);
      if (route.kind === 'campaign_create') return createCampaign(ctx, account, request.params);
      if (route.kind === 'campaign_list') return listCampaigns(ctx, account, request.params);
      if (route.kind === 'marketing_send') return sendMarketingMessage(ctx, account, request.params);
      return deliveryEstimate(ctx, account, request.params);
    }
    case 'insights':
    case 'campaign': {
      const campaign = campaignFor(ctx, route.id, principal);
      const account = campaign === undefined ? undefined : ctx.state.adAccounts.get(campaign.adAccountId);
      if (campaign === undefined || account === undefined) return objectNotAccessible(request.method, route.id);
      if (route.kind === 'insights') return campaignInsights(ctx, campaign, account);
      if (request.method === 'GET') return readCampaign(campaign);
      if (request.method === 'DELETE') return deleteCampaign(campaign);
      return updateCampaign(campaign, request.params);
    }
  }
}

/** Meta's `account_status` 1 (ACTIVE): https://developers.facebook.com/docs/marketing-api/reference/ad-account/ */
const ACCOUNT_STATUS_ACTIVE = 1;

/**
 * A node read answers the fields asked for in `fields` (comma-separated) and always `id`, as the Graph
 * API does; unknown field names are left out here (Meta refuses them with code 100, which no caller relies on).
 */
function pickFields(node: Record<string, unknown>, params: Params): Record<string, unknown> {
  const asked = readString(params, 'fields');
  if (asked === undefined) return { id: node.id, ...('name' in node && { name: node.name }) };
  const names = new Set(['id', ...asked.split(',').map((name) => name.trim())]);
  return Object.fromEntries(Object.entries(node).filter(([key]) => names.has(key)));
}

/** A Page endpoint answers only the Page's own token; `me` is that Page. */
function pageFor(ctx: SandboxContext, id: string, principal: Principal): Page | undefined {
  if (principal.kind !== 'page') return undefined;
  if (id !== 'me' && id !== principal.pageId) return undefined;
  return ctx.state.pages.get(principal.pageId);
}

function adAccountFor(ctx: SandboxContext, id: string, principal: Principal): AdAccount | undefined {
  const accountId = id.slice('act_'.length);
  if (principal.kind !== 'system_user' || !principal.adAccountIds.has(accountId)) return undefined;
  return ctx.state.adAccounts.get(accountId);
}

function campaignFor(ctx: SandboxContext, id: string, principal: Principal): Campaign | undefined {
  const campaign = ctx.state.campaigns.get(id);
  if (campaign === undefined || principal.kind !== 'system_user' || !principal.adAccountIds.has(campaign.adAccountId)) return undefined;
  return campaign;
}
