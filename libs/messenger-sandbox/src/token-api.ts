import { HOUR_MS, toUnixSeconds } from './clock';
import type { SandboxContext } from './context';
import { invalidParameter, type GraphErrorSpec } from './errors';
import { isRecord, ok, readBoolean, readInteger, readString, type Params, type Reply } from './http-io';
import type { Page, SubscriptionToken } from './model';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
export const TOKEN_COOLDOWN_MS = 12 * HOUR_MS;

export interface TokenListItem {
  notification_messages_token: string;
  recipient_id: string;
  /** ms, like the opt-in webhook's timestamps */
  creation_timestamp: number;
  /** ms; only when the token has an expiry */
  token_expiry_timestamp?: number;
  user_token_status: 'REFRESHED' | 'NOT_REFRESHED';
  topic_title: string;
  notification_messages_timezone: string;
  /** unix seconds, like error_data.next_eligible_time; only while the 12-hour cooldown runs */
  next_eligible_time?: number;
}

/**
 * `GET /{v}/{PAGE_ID}/notification_message_tokens`. A cursor is the position in the Page's token
 * list (creation order), so each page costs O(limit) plus the stopped tokens it skips.
 */
export function listNotificationTokens(ctx: SandboxContext, page: Page, params: Params, requestUrl: URL): Reply | GraphErrorSpec {
  const limit = readInteger(params, 'limit') ?? DEFAULT_LIMIT;
  if (limit === 'invalid' || limit < 1) return invalidParameter('param limit must be a positive integer');
  const pageSize = Math.min(limit, MAX_LIMIT);
  const afterCursor = readString(params, 'after');
  const after = afterCursor === undefined ? -1 : decodeCursor(afterCursor);
  if (after === undefined) return invalidParameter('param after is not a valid cursor');
  const oneTokenPerPerson = readBoolean(params, 'do_not_return_duplicates');
  const now = ctx.clock.now();

  const listed = (token: SubscriptionToken): boolean => token.status === 'ACTIVE' && (!oneTokenPerPerson || isFirstActiveToken(ctx, token));
  const data: TokenListItem[] = [];
  let first = -1;
  let last = -1;
  let i = after + 1;
  for (; i < page.tokenList.length && data.length < pageSize; i++) {
    const token = page.tokenList[i];
    if (!listed(token)) continue;
    if (first < 0) first = i;
    last = i;
    data.push(toListItem(token, now));
  }
  if (data.length === 0) return ok({ data });
  let more = false;
  for (; i < page.tokenList.length && !more; i++) more = listed(page.tokenList[i]);

  const paging: { cursors: { before: string; after: string }; next?: string } = {
    cursors: { before: encodeCursor(first), after: encodeCursor(last) },
  };
  if (more) {
    const next = new URL(requestUrl.pathname, ctx.baseUrl);
    for (const [key, value] of requestUrl.searchParams) if (key !== 'after' && key !== 'before') next.searchParams.append(key, value);
    next.searchParams.set('limit', String(pageSize));
    next.searchParams.set('after', paging.cursors.after);
    paging.next = next.toString();
  }
  return ok({ data, paging });
}

function toListItem(token: SubscriptionToken, now: number): TokenListItem {
  const item: TokenListItem = {
    notification_messages_token: token.token,
    recipient_id: token.psid,
    creation_timestamp: token.createdAt,
    user_token_status: token.userTokenStatus,
    topic_title: token.title,
    notification_messages_timezone: token.timezone,
  };
  if (token.expiresAt !== undefined) item.token_expiry_timestamp = token.expiresAt;
  if (token.lastMarketingAt !== undefined && token.lastMarketingAt + TOKEN_COOLDOWN_MS > now) {
    item.next_eligible_time = toUnixSeconds(token.lastMarketingAt + TOKEN_COOLDOWN_MS);
  }
  return item;
}

function isFirstActiveToken(ctx: SandboxContext, token: SubscriptionToken): boolean {
  const tokens = ctx.state.person(token.pageId, token.psid)?.tokens ?? [];
  return tokens.find((candidate) => candidate.status === 'ACTIVE') === token;
}

const CURSOR_PREFIX = 'sandbox-token-cursor:';

function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const index = Number(text.slice(CURSOR_PREFIX.length));
  return Number.isSafeInteger(index) && index >= 0 ? index : undefined;
}

/**
 * `POST /{v}/{PAGE_ID}/messaging_customer_base/unsubscribe`. `unsubscribed` counts the recipient
 * entries that matched at least one subscribed token of this Page (phone and email entries never
 * match: the sandbox has no such data).
 */
export function unsubscribeCustomers(ctx: SandboxContext, page: Page, params: Params): Reply | GraphErrorSpec {
  const recipients = params.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0) return invalidParameter('param recipients must be a non-empty array');
  let unsubscribed = 0;
  for (const recipient of recipients) {
    if (!isRecord(recipient)) return invalidParameter('each recipient must be an object with id or subscription_token');
    const matched = matchTokens(ctx, page, recipient).filter((token) => token.status === 'ACTIVE' || token.status === 'STOPPED');
    for (const token of matched) ctx.state.setTokenStatus(token, 'UNSUBSCRIBED');
    if (matched.length > 0) unsubscribed++;
  }
  return ok({ success: true, unsubscribed });
}

function matchTokens(ctx: SandboxContext, page: Page, recipient: Record<string, unknown>): SubscriptionToken[] {
  const psid = readString(recipient, 'id');
  if (psid !== undefined) return ctx.state.person(page.id, psid)?.tokens ?? [];
  const tokenText = readString(recipient, 'subscription_token');
  const token = tokenText === undefined ? undefined : ctx.state.tokens.get(tokenText);
  return token !== undefined && token.pageId === page.id ? [token] : [];
}
