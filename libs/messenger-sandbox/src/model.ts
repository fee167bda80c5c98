/** The records the sandbox keeps in memory. Nothing here knows HTTP. */

export type Platform = 'facebook' | 'instagram';

export interface Page {
  id: string;
  name: string;
  platform: Platform;
  accessToken: string;
  restricted: boolean;
  /** Every token ever made for the Page, in creation order: the listing's cursor is an index into it. */
  tokenList: SubscriptionToken[];
  activeTokens: number;
}

export interface AdAccount {
  id: string;
  systemUserToken: string;
  pageIds: Set<string>;
  /** Price of one delivered marketing message, in the currency's smallest unit. */
  pricePerMessage: number;
  currency: string;
}

/**
 * ACTIVE tokens can be messaged; STOPPED (person tapped stop) and UNSUBSCRIBED (Page called the
 * unsubscribe endpoint) answer 2300034; REPLACED (a second opt-in to the same title) answers 2300004.
 */
export type TokenStatus = 'ACTIVE' | 'STOPPED' | 'UNSUBSCRIBED' | 'REPLACED';

export interface SubscriptionToken {
  token: string;
  pageId: string;
  psid: string;
  title: string;
  payload: string;
  timezone: string;
  createdAt: number;
  expiresAt?: number;
  status: TokenStatus;
  userTokenStatus: 'REFRESHED' | 'NOT_REFRESHED';
  lastMarketingAt?: number;
}

export interface OptinRequestRecord {
  messageId: string;
  title: string;
  payload: string;
  imageUrl?: string;
  timezone?: string;
  sentAt: number;
}

export interface ReceivedItem {
  source: 'send_api' | 'marketing_message';
  /** text | quick_replies | attachment | button | generic | notification_messages (opt-in request) | marketing */
  type: string;
  time: number;
  message: unknown;
  messageId?: string;
  messagingType?: string;
  tag?: string;
  campaignId?: string;
  trackingId?: string;
  token?: string;
}

/** A person as one Page sees them (a PSID is per Page). Arrays stay absent until used: bulk imports make a million of these. */
export interface Person {
  pageId: string;
  psid: string;
  timezone?: string;
  lastMessageAt?: number;
  blocked?: boolean;
  optinRequests?: OptinRequestRecord[];
  received?: ReceivedItem[];
  tokens?: SubscriptionToken[];
  /** After an opt-in tap Meta allows up to 3 follow-up messages within 2 minutes. */
  followUpUntil?: number;
  followUpsLeft?: number;
}

export type CampaignStatus = 'ACTIVE' | 'PAUSED' | 'DELETED';

export interface Campaign {
  id: string;
  adAccountId: string;
  pageId: string;
  name: string;
  status: CampaignStatus;
  dailyBudget?: number;
  lifetimeBudget?: number;
  startTime?: number;
  endTime?: number;
  createdAt: number;
  /** In Meta's integer units for the account's currency, as its budgets (see AdAccountRegistration.pricePerMessage). */
  spend: number;
  spendDay: number;
  spendToday: number;
  delivered: number;
  /** Tokens this campaign was sent to: makes duplicate detection O(1). */
  sentTokens: Set<string>;
}

export interface MarketingSendRecord {
  campaignId: string;
  adAccountId: string;
  pageId: string;
  token: string;
  psid: string;
  trackingId: string;
  time: number;
}

export interface Faults {
  errorRate: number;
  latencyMs: number;
  rateLimitNext: number;
  transientNext: number;
  pacingNext: number;
  frequencyCapPsids: Set<string>;
  stallCampaignWritesNext: number;
  stallMs: number;
}

export interface Settings {
  marketingWebhooks: boolean;
  marketingReads: boolean;
  /** Wait between a campaign's creation and its first accepted send (Meta: one hour). */
  campaignWarmUpMs: number;
}

export interface Counters {
  sends: number;
  marketingSends: number;
  duplicateMarketingSends: number;
  duplicateMarketingAttempts: number;
  requests: number;
}

export type Principal = { kind: 'page'; pageId: string } | { kind: 'system_user'; adAccountIds: Set<string> };
