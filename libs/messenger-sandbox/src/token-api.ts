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
 * `POST /{v}/{PAGE_ID}/messaging_customer_base/unsubscribe` with `data`: one row per person, each
 * `{ psid }` or `{ subscriber_token }` (Meta's Unsubscribe API:
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/grow-marketing-messages-audience).
 * A body without `data` (the old `recipients` shape included) is refused with code 100, as Meta refuses a
 * missing required parameter. Rows that name no subscriber of this Page, or that are not one of the two
 * row shapes, are not refused: they are counted in `invalid_rows_count`, as Meta counts them.
 */
export function unsubscribeCustomers(ctx: SandboxContext, page: Page, params: Params): Reply | GraphErrorSpec {
  const unknown = Object.keys(params).filter((key) => key !== 'data' && !AUTH_PARAMS.has(key));
  if (unknown.length > 0) return invalidParameter(`Param ${unknown[0]} is not a valid parameter of this endpoint; rows go in data`);
  const rows = params.data;
  if (!Array.isArray(rows) || rows.length === 0) return invalidParameter('The parameter data is required and must be a non-empty array');
  let invalidRows = 0;
  for (const row of rows) {
    const matched = isRecord(row) ? matchTokens(ctx, page, row) : undefined;
    if (matched === undefined || matched.length === 0) {
      invalidRows++;
      continue;
    }
    for (const token of matched)
      if (token.status === 'ACTIVE' || token.status === 'STOPPED') ctx.state.setTokenStatus(token, 'UNSUBSCRIBED');
  }
  return ok({ success: true, invalid_rows_count: invalidRows });
}

/** Signing parameters every Graph call may carry beside its own. */
const AUTH_PARAMS: ReadonlySet<string> = new Set(['access_token', 'appsecret_proof']);

/** Exactly one of `psid` / `subscriber_token`; any other row shape is an invalid row (undefined). */
function matchTokens(ctx: SandboxContext, page: Page, row: Record<string, unknown>): SubscriptionToken[] | undefined {
  const keys = Object.keys(row);
  if (keys.length !== 1) return undefined;
  const psid = readString(row, 'psid');
  if (psid !== undefined) return ctx.state.person(page.id, psid)?.tokens ?? [];
  const tokenText = readString(row, 'subscriber_token');
  if (tokenText === undefined) return undefined;
  const token = ctx.state.tokens.get(tokenText);
  return token !== undefined && token.pageId === page.id ? [token] : [];
}
