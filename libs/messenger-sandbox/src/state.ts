import type {
  AdAccount,
  Campaign,
  Counters,
  Faults,
  MarketingSendRecord,
  Page,
  Person,
  Platform,
  Principal,
  ReceivedItem,
  Settings,
  SubscriptionToken,
  TokenStatus,
} from './model';
import { HOUR_MS } from './clock';

export interface PageInput {
  id: string;
  name?: string;
  platform: Platform;
  accessToken: string;
  restricted?: boolean;
}

export interface AdAccountInput {
  id: string;
  systemUserToken: string;
  pageIds: string[];
  pricePerMessage: number;
  currency?: string;
}

export interface NewToken {
  title: string;
  payload: string;
  timezone: string;
  createdAt: number;
  expiresAt?: number;
}

/**
 * Everything the sandbox knows, in Maps keyed the way the hot paths look things up (token,
 * Page + PSID, campaign id), so no request scans a collection.
 */
export class SandboxState {
  readonly pages = new Map<string, Page>();
  readonly adAccounts = new Map<string, AdAccount>();
  /** Access token → who it speaks for. */
  readonly principals = new Map<string, Principal>();
  readonly people = new Map<string, Person>();
  readonly tokens = new Map<string, SubscriptionToken>();
  readonly campaigns = new Map<string, Campaign>();
  readonly marketingSends: MarketingSendRecord[] = [];
  readonly marketingSendsByCampaign = new Map<string, MarketingSendRecord[]>();
  faults: Faults = defaultFaults();
  settings: Settings;
  counters: Counters = zeroCounters();
  webhookUrl: string | undefined;
  /** Numbers the default PSID prefix of bulk imports so two imports never share PSIDs. */
  bulkCalls = 0;

  constructor(
    private readonly initialWebhookUrl: string | undefined,
    private readonly initialSettings: Settings = { marketingWebhooks: false, marketingReads: false, campaignWarmUpMs: HOUR_MS },
  ) {
    this.webhookUrl = initialWebhookUrl;
    this.settings = { ...initialSettings };
  }

  upsertPage(input: PageInput): Page {
    const existing = this.pages.get(input.id);
    if (existing !== undefined) {
      const previous = this.principals.get(existing.accessToken);
      if (previous?.kind === 'page' && previous.pageId === existing.id) this.principals.delete(existing.accessToken);
      existing.name = input.name ?? existing.name;
      existing.platform = input.platform;
      existing.accessToken = input.accessToken;
      existing.restricted = input.restricted ?? existing.restricted;
      this.principals.set(existing.accessToken, { kind: 'page', pageId: existing.id });
      return existing;
    }
    const page: Page = {
      id: input.id,
      name: input.name ?? `Page ${input.id}`,
      platform: input.platform,
      accessToken: input.accessToken,
      restricted: input.restricted ?? false,
      tokenList: [],
      activeTokens: 0,
    };
    this.pages.set(page.id, page);
    this.principals.set(page.accessToken, { kind: 'page', pageId: page.id });
    return page;
  }

  upsertAdAccount(input: AdAccountInput): AdAccount {
    const existing = this.adAccounts.get(input.id);
    if (existing !== undefined) {
      const previous = this.principals.get(existing.systemUserToken);
      if (previous?.kind === 'system_user') previous.adAccountIds.delete(existing.id);
    }
    const account: AdAccount = {
      id: input.id,
      systemUserToken: input.systemUserToken,
      pageIds: new Set(input.pageIds),
      pricePerMessage: input.pricePerMessage,
      currency: input.currency ?? 'USD',
    };
    this.adAccounts.set(account.id, account);
    // One system user can hold several ad accounts of the same business.
    const principal = this.principals.get(account.systemUserToken);
    if (principal?.kind === 'system_user') principal.adAccountIds.add(account.id);
    else this.principals.set(account.systemUserToken, { kind: 'system_user', adAccountIds: new Set([account.id]) });
    return account;
  }

  person(pageId: string, psid: string): Person | undefined {
    return this.people.get(personKey(pageId, psid));
  }

  ensurePerson(pageId: string, psid: string): Person {
    const key = personKey(pageId, psid);
    let person = this.people.get(key);
    if (person === undefined) {
      person = { pageId, psid };
      this.people.set(key, person);
    }
    return person;
  }

  /** A new subscription token for the person; an earlier token for the same title is replaced. */
  addToken(page: Page, person: Person, token: string, fields: NewToken): SubscriptionToken {
    const tokens = (person.tokens ??= []);
    let replaced = false;
    for (const earlier of tokens) {
      if (earlier.title === fields.title && earlier.status !== 'REPLACED' && earlier.status !== 'UNSUBSCRIBED') {
        this.setTokenStatus(earlier, 'REPLACED');
        replaced = true;
      }
    }
    const record: SubscriptionToken = {
      token,
      pageId: page.id,
      psid: person.psid,
      title: fields.title,
      payload: fields.payload,
      timezone: fields.timezone,
      createdAt: fields.createdAt,
      expiresAt: fields.expiresAt,
      status: 'ACTIVE',
      userTokenStatus: replaced ? 'REFRESHED' : 'NOT_REFRESHED',
    };
    tokens.push(record);
    page.tokenList.push(record);
    page.activeTokens++;
    this.tokens.set(token, record);
    return record;
  }

  /** The only way a token's status changes, so the Page's active count stays right. */
  setTokenStatus(token: SubscriptionToken, status: TokenStatus): void {
    if (token.status === status) return;
    const page = this.pages.get(token.pageId);
    if (page !== undefined) {
      if (token.status === 'ACTIVE') page.activeTokens--;
      if (status === 'ACTIVE') page.activeTokens++;
    }
    token.status = status;
  }

  recordReceived(person: Person, item: ReceivedItem): void {
    (person.received ??= []).push(item);
  }

  recordMarketingSend(record: MarketingSendRecord): void {
    this.marketingSends.push(record);
    let list = this.marketingSendsByCampaign.get(record.campaignId);
    if (list === undefined) {
      list = [];
      this.marketingSendsByCampaign.set(record.campaignId, list);
    }
    list.push(record);
  }

  reset(): void {
    this.pages.clear();
    this.adAccounts.clear();
    this.principals.clear();
    this.people.clear();
    this.tokens.clear();
    this.campaigns.clear();
    this.marketingSends.length = 0;
    this.marketingSendsByCampaign.clear();
    this.faults = defaultFaults();
    this.settings = { ...this.initialSettings };
    this.counters = zeroCounters();
    this.webhookUrl = this.initialWebhookUrl;
    this.bulkCalls = 0;
  }
}

function personKey(pageId: string, psid: string): string {
  return `${pageId}\u0001${psid}`;
}

function defaultFaults(): Faults {
  return {
    errorRate: 0,
    latencyMs: 0,
    rateLimitNext: 0,
    transientNext: 0,
    pacingNext: 0,
    frequencyCapPsids: new Set(),
    stallCampaignWritesNext: 0,
    stallMs: 30_000,
  };
}

function zeroCounters(): Counters {
  return { sends: 0, marketingSends: 0, duplicateMarketingSends: 0, duplicateMarketingAttempts: 0, requests: 0 };
}
