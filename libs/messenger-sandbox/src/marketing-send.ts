import { utcDay } from './clock';
import type { SandboxContext } from './context';
import { invalidParameter, marketingError, type GraphErrorSpec } from './errors';
import { isRecord, ok, readInteger, readString, type Params, type Reply } from './http-io';
import { findUnresolvedPlaceholder } from './message-content';
import type { AdAccount, Campaign, Person, SubscriptionToken } from './model';
import { TOKEN_COOLDOWN_MS } from './token-api';
import { marketingWebhook, type MarketingWebhookValue } from './webhook-events';

/**
 * What `POST act_{AD}/messages` takes: the campaign (`message_id`), the token, the message and, since
 * 2026-06-11, `min_conversation_gap_seconds` (Meta's changelog:
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/changelog).
 */
const SEND_PARAMS: ReadonlySet<string> = new Set([
  'message_id',
  'messenger_delivery_data',
  'message',
  'min_conversation_gap_seconds',
  'access_token',
  'appsecret_proof',
]);
const MAX_TEXT = 640;
/** What the pacing fault tells the caller to wait; Meta's pacing errors say about 30 minutes. */
const PACING_REMAINING_SECONDS = 1800;

/**
 * `POST /{v}/act_{AD}/messages`: one marketing message to one subscription token. Checks run
 * campaign first, then content, money, token and person, each answering its own subcode.
 */
export function sendMarketingMessage(ctx: SandboxContext, account: AdAccount, params: Params): Reply | GraphErrorSpec {
  const { state, clock } = ctx;
  const unknown = Object.keys(params).find((key) => !SEND_PARAMS.has(key));
  if (unknown !== undefined) return invalidParameter(`Param ${unknown} is not a valid parameter of a marketing message send`);
  const gapSeconds = readInteger(params, 'min_conversation_gap_seconds');
  if (gapSeconds === 'invalid' || (gapSeconds !== undefined && gapSeconds < 0))
    return invalidParameter('param min_conversation_gap_seconds must be a non-negative integer');
  const campaignId = readString(params, 'message_id');
  if (campaignId === undefined) return invalidParameter('param message_id is required');
  const deliveryData = params.messenger_delivery_data;
  const tokenText = isRecord(deliveryData) ? readString(deliveryData, 'subscription_token') : undefined;
  if (tokenText === undefined) return invalidParameter('param messenger_delivery_data[subscription_token] is required');
  const message = params.message;
  if (!isRecord(message)) return invalidParameter('param message is required');
  if (typeof message.text === 'string' && message.text.length > MAX_TEXT)
    return invalidParameter(`param message[text] must be at most ${MAX_TEXT} characters`);

  const campaign = state.campaigns.get(campaignId);
  if (campaign === undefined || campaign.adAccountId !== account.id) return marketingError(2300001);
  if (campaign.sentTokens.has(tokenText)) state.counters.duplicateMarketingAttempts++;

  const now = clock.now();
  const token = state.tokens.get(tokenText);
  const refusal =
    checkCampaign(campaign, now, state.settings.campaignWarmUpMs) ??
    checkContent(message) ??
    checkMoney(campaign, account, now) ??
    checkPacing(ctx) ??
    checkToken(token, campaign, now);
  if (refusal !== undefined || token === undefined) return refusal ?? marketingError(2300004);
  const person = state.ensurePerson(token.pageId, token.psid);
  const personRefusal = checkPerson(ctx, person, gapSeconds ?? 0, now);
  if (personRefusal !== undefined) return personRefusal;

  return accept(ctx, { campaign, account, token, person, message, now });
}

function checkCampaign(campaign: Campaign, now: number, warmUpMs: number): GraphErrorSpec | undefined {
  if (campaign.status !== 'ACTIVE') return marketingError(2300000, undefined, `Status: ${campaign.status}.`);
  if (campaign.startTime !== undefined && now < campaign.startTime)
    return marketingError(2300000, undefined, 'The campaign has not started yet.');
  if (campaign.endTime !== undefined && now >= campaign.endTime) return marketingError(2300000, undefined, 'The campaign has ended.');
  if (now < campaign.createdAt + warmUpMs) return marketingError(2300003, undefined, 'Wait one hour after creating the campaign.');
  return undefined;
}

function checkContent(message: Record<string, unknown>): GraphErrorSpec | undefined {
  const placeholder = findUnresolvedPlaceholder(message);
  return placeholder === undefined ? undefined : marketingError(2300038, undefined, `Placeholder: ${placeholder}.`);
}

/** A send is refused when the next message's price would go past the budget. */
function checkMoney(campaign: Campaign, account: AdAccount, now: number): GraphErrorSpec | undefined {
  const price = account.pricePerMessage;
  if (campaign.lifetimeBudget !== undefined && campaign.spend + price > campaign.lifetimeBudget) return marketingError(2300015);
  if (campaign.dailyBudget !== undefined && spentToday(campaign, now) + price > campaign.dailyBudget) return marketingError(2300054);
  return undefined;
}

function checkPacing(ctx: SandboxContext): GraphErrorSpec | undefined {
  const faults = ctx.state.faults;
  if (faults.pacingNext <= 0) return undefined;
  faults.pacingNext--;
  return marketingError(2300055, { remaining_seconds: PACING_REMAINING_SECONDS });
}

function checkToken(token: SubscriptionToken | undefined, campaign: Campaign, now: number): GraphErrorSpec | undefined {
  if (token === undefined || token.status === 'REPLACED') return marketingError(2300004);
  if (token.pageId !== campaign.pageId) return marketingError(2300005);
  if (token.status === 'STOPPED' || token.status === 'UNSUBSCRIBED') return marketingError(2300034);
  if (token.expiresAt !== undefined && now >= token.expiresAt) return marketingError(2300037);
  if (token.lastMarketingAt !== undefined && now < token.lastMarketingAt + TOKEN_COOLDOWN_MS) {
    // Rounded up so that retrying at next_eligible_time is never early.
    return marketingError(2300035, { next_eligible_time: Math.ceil((token.lastMarketingAt + TOKEN_COOLDOWN_MS) / 1000) });
  }
  return undefined;
}

function checkPerson(ctx: SandboxContext, person: Person, gapSeconds: number, now: number): GraphErrorSpec | undefined {
  if (person.blocked === true) return marketingError(2300036);
  const gapMs = gapSeconds * 1000;
  if (gapMs > 0 && person.lastMessageAt !== undefined && now - person.lastMessageAt < gapMs) return marketingError(2300052);
  if (ctx.state.faults.frequencyCapPsids.has(person.psid)) return marketingError(2300042);
  return undefined;
}

function spentToday(campaign: Campaign, now: number): number {
  return campaign.spendDay === utcDay(now) ? campaign.spendToday : 0;
}

interface AcceptedSend {
  campaign: Campaign;
  account: AdAccount;
  token: SubscriptionToken;
  person: Person;
  message: Record<string, unknown>;
  now: number;
}

function accept(ctx: SandboxContext, send: AcceptedSend): Reply {
  const { state } = ctx;
  const { campaign, account, token, person, message, now } = send;
  const trackingId = ctx.ids.trackingId();
  const price = account.pricePerMessage;
  campaign.spendToday = spentToday(campaign, now) + price;
  campaign.spendDay = utcDay(now);
  campaign.spend += price;
  campaign.delivered++;
  if (campaign.sentTokens.has(token.token)) state.counters.duplicateMarketingSends++;
  else campaign.sentTokens.add(token.token);
  token.lastMarketingAt = now;
  state.counters.marketingSends++;
  state.recordReceived(person, {
    source: 'marketing_message',
    type: 'marketing',
    time: now,
    message,
    campaignId: campaign.id,
    trackingId,
    token: token.token,
  });
  state.recordMarketingSend({
    campaignId: campaign.id,
    adAccountId: account.id,
    pageId: campaign.pageId,
    token: token.token,
    psid: token.psid,
    trackingId,
    time: now,
  });
  const page = state.pages.get(campaign.pageId);
  if (state.settings.marketingWebhooks && page !== undefined) {
    const value: MarketingWebhookValue = {
      page_id: page.id,
      timestamp: now,
      messenger_subscription_token: token.token,
      message_id: campaign.id,
      marketing_message_tracking_id: trackingId,
      recipient_id: token.psid,
    };
    ctx.webhooks.postInBackground([
      marketingWebhook(page, now, 'marketing_message_echoes', value),
      marketingWebhook(page, now, 'marketing_message_deliveries', value),
      ...(state.settings.marketingReads ? [marketingWebhook(page, now, 'marketing_message_reads', value)] : []),
    ]);
  }
  return ok({ success: true, marketing_message_tracking_id: trackingId });
}
