import { segment, type GraphRequest } from './graph-request';
import { asNumber, asRecord, asString } from './json';
import { readMetaEnum } from './meta-enum';
import { parseMetaTime } from './meta-time';
import type {
  ListSubscriptionTokensOptions,
  SubscriptionTokenInfo,
  SubscriptionTokenPage,
  UnrecognisedValue,
  UnsubscribeRecipient,
  UnsubscribeResult,
} from './types';

/** Subscription tokens of a Page; every call takes the Page token. */

export const listSubscriptionTokensRequest = (
  pageToken: string,
  pageId: string,
  options: ListSubscriptionTokensOptions = {},
): GraphRequest<SubscriptionTokenPage> => ({
  method: 'GET',
  path: `/${segment(pageId)}/notification_message_tokens`,
  accessToken: pageToken,
  query: {
    limit: options.limit,
    after: options.after,
    do_not_return_duplicates: options.doNotReturnDuplicates,
  },
  repeatable: true,
  readResponse: readTokenPage,
});

/**
 * `POST /{PAGE_ID}/messaging_customer_base/unsubscribe` with the Page token: one row per person in
 * `data`, each `{ psid }` or `{ subscriber_token }` (Meta's Unsubscribe API, 2026:
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/grow-marketing-messages-audience).
 * Meta answers 200 even when rows were not matched and counts them in `invalid_rows_count`.
 */
export const unsubscribeRequest = (
  pageToken: string,
  pageId: string,
  recipients: readonly UnsubscribeRecipient[],
): GraphRequest<UnsubscribeResult> => {
  if (recipients.length === 0) throw new RangeError('unsubscribe needs at least one recipient');
  const tokens = recipients.flatMap((r) => ('subscriptionToken' in r ? [r.subscriptionToken] : []));
  return {
    method: 'POST',
    path: `/${segment(pageId)}/messaging_customer_base/unsubscribe`,
    accessToken: pageToken,
    body: {
      data: recipients.map((r) => ('psid' in r ? { psid: r.psid } : { subscriber_token: r.subscriptionToken })),
    },
    // Unsubscribing twice leaves the same state.
    repeatable: true,
    secrets: tokens,
    readResponse: readUnsubscribe,
  };
};

const readTokenPage = (body: unknown): SubscriptionTokenPage | undefined => {
  const record = asRecord(body);
  if (record === undefined || !Array.isArray(record.data)) return undefined;
  const items = record.data.flatMap((row): SubscriptionTokenInfo[] => {
    const info = readTokenInfo(row);
    return info !== undefined ? [info] : [];
  });
  const paging = asRecord(record.paging);
  // Meta keeps sending cursors on the last page; only `paging.next` says there is more.
  const nextCursor = asString(paging?.next) !== undefined ? asString(asRecord(paging?.cursors)?.after) : undefined;
  return { items, ...(nextCursor !== undefined && { nextCursor }) };
};

/** The `user_token_status` values Meta documents for the token listing and the opt-in webhook. */
export const USER_TOKEN_STATUSES = ['REFRESHED', 'NOT_REFRESHED'] as const;

/**
 * One row of the listing. Times go through parseMetaTime (seconds or ms, number or string); a value
 * that cannot be read (a time, or a `user_token_status` Meta does not document) is left out of its
 * field and listed in `unrecognised`, so the caller can report it; the row itself is kept.
 */
const readTokenInfo = (row: unknown): SubscriptionTokenInfo | undefined => {
  const r = asRecord(row);
  const token = asString(r?.notification_messages_token);
  if (r === undefined || token === undefined) return undefined;
  const info: SubscriptionTokenInfo = { token };
  const unrecognised: UnrecognisedValue[] = [];
  const time = (field: string): Date | undefined => {
    const parsed = parseMetaTime(r[field]);
    if (parsed === undefined && r[field] !== undefined && r[field] !== null) unrecognised.push({ field, value: rawText(r[field]) });
    return parsed;
  };
  const psid = asString(r.recipient_id);
  if (psid !== undefined) info.psid = psid;
  const createdAt = time('creation_timestamp');
  if (createdAt !== undefined) info.createdAt = createdAt;
  const expiresAt = time('token_expiry_timestamp');
  if (expiresAt !== undefined) info.expiresAt = expiresAt;
  if (r.user_token_status !== undefined && r.user_token_status !== null) {
    const userTokenStatus = readMetaEnum(r.user_token_status, USER_TOKEN_STATUSES);
    if (userTokenStatus !== undefined) info.userTokenStatus = userTokenStatus;
    else unrecognised.push({ field: 'user_token_status', value: rawText(r.user_token_status) });
  }
  const topicTitle = asString(r.topic_title);
  if (topicTitle !== undefined) info.topicTitle = topicTitle;
  const timezone = asString(r.notification_messages_timezone);
  if (timezone !== undefined) info.timezone = timezone;
  const nextEligibleAt = time('next_eligible_time');
  if (nextEligibleAt !== undefined) info.nextEligibleAt = nextEligibleAt;
  if (unrecognised.length > 0) info.unrecognised = unrecognised;
  return info;
};

/** A value as text for a report, at most 100 characters (these fields never hold a token). */
const rawText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 100);

/**
 * `invalid_rows_count` is what tells a refusal of some rows from a success; an answer without it is
 * not one we understand (undefined → `unknown` error), never a silent "done".
 */
const readUnsubscribe = (body: unknown): UnsubscribeResult | undefined => {
  const record = asRecord(body);
  const invalidRowsCount = asNumber(record?.invalid_rows_count);
  if (record === undefined || invalidRowsCount === undefined || invalidRowsCount < 0) return undefined;
  const success = record.success;
  return { success: typeof success === 'boolean' ? success : true, invalidRowsCount };
};
