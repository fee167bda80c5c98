import type { BudgetScope, PaymentProblem, PlainErrorKind, RegionScope } from './errors';

/**
 * The one code table: Meta error numbers → outcome kind, following
 * docs/meta-platform.md (§3, §5 and §6) and the Graph API's generic codes.
 * `classify-error.ts` applies it; the few rules that also read the message text are noted there,
 * and so is the one rule that reads a flag: `is_transient: true` makes any refusal `transient`.
 *
 * Sources, cited per row below by their short name:
 * - [MM]   Marketing Message API for Messenger, error codes (namespace MARKETING_MESSAGES_DIRECT):
 *          https://developers.facebook.com/documentation/business-messaging/messenger-platform/marketing-messages-on-messenger/send-messages
 * - [MSGR] Messenger Platform, common error codes:
 *          https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes
 * - [IG]   Instagram Platform, error codes (Instagram API and Instagram messaging):
 *          https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes
 * - [GRAPH] Graph API, handling errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
 * - [RATE]  Graph API, rate limiting (business-use-case codes 80000–80014):
 *          https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 *
 * Instagram answers its own numbers for the conditions Messenger names otherwise; each such row says
 * which Messenger row it is the twin of, and maps to the same kind, so a worker never branches on
 * the platform.
 */
export type ErrorRule =
  | { kind: PlainErrorKind }
  | { kind: 'rate_limited'; defaultRetryAfterMs: number }
  | { kind: 'pacing'; defaultRetryAfterMs: number }
  | { kind: 'transient' }
  | { kind: 'too_early' }
  | { kind: 'budget_reached'; scope: BudgetScope }
  | { kind: 'payment_required'; problem: PaymentProblem }
  | { kind: 'region_not_allowed'; scope: RegionScope };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Used when Meta gives no hint (no `remaining_seconds`, no usage header). Not documented by Meta:
 * one minute for call-rate limits, the hour window for the token-listing quota (1,000 per hour).
 */
export const DEFAULT_RATE_LIMIT_WAIT_MS = MINUTE;
const TOKEN_QUERY_QUOTA_WAIT_MS = HOUR;

/** Pacing defaults are Meta's ("about 30 min", 2300028 "1 h"). */
const PACING_WAIT_MS = 30 * MINUTE;
const LONG_PACING_WAIT_MS = HOUR;

const rateLimited = (defaultRetryAfterMs = DEFAULT_RATE_LIMIT_WAIT_MS): ErrorRule => ({
  kind: 'rate_limited',
  defaultRetryAfterMs,
});
const plain = (kind: PlainErrorKind): ErrorRule => ({ kind });

/** Marketing Message API numbers (namespace MARKETING_MESSAGES_DIRECT), met in `error_subcode` or `code`. Every row: [MM]. */
export const MARKETING_MESSAGE_RULES: ReadonlyMap<number, ErrorRule> = new Map<number, ErrorRule>([
  [2300000, plain('campaign_not_active')],
  [2300001, plain('message_invalid')],
  [2300003, plain('message_not_active')],
  [2300004, plain('token_invalid')],
  [2300005, plain('token_other_page')],
  [2300011, { kind: 'payment_required', problem: 'no_payment_method' }],
  [2300013, plain('terms_not_accepted')],
  [2300015, { kind: 'budget_reached', scope: 'lifetime' }],
  [2300017, { kind: 'payment_required', problem: 'spend_limit' }],
  [2300019, plain('terms_not_accepted')],
  [2300023, plain('button_invalid')],
  [2300024, plain('button_invalid')],
  [2300025, plain('button_invalid')],
  [2300026, plain('button_invalid')],
  [2300028, { kind: 'pacing', defaultRetryAfterMs: LONG_PACING_WAIT_MS }],
  [2300030, { kind: 'region_not_allowed', scope: 'ad_account' }],
  [2300031, { kind: 'region_not_allowed', scope: 'page' }],
  [2300032, { kind: 'region_not_allowed', scope: 'recipient' }],
  [2300034, plain('subscriber_stopped')],
  [2300035, { kind: 'too_early' }],
  [2300036, plain('person_unavailable')],
  [2300037, plain('token_expired')],
  [2300038, plain('placeholder_unresolved')],
  [2300042, plain('frequency_capped')],
  [2300043, plain('frequency_capped')],
  [2300044, plain('frequency_capped')],
  // min_conversation_gap_seconds: the person chatted with the Page too recently.
  [2300052, plain('person_unavailable')],
  [2300053, { kind: 'budget_reached', scope: 'lifetime' }],
  [2300054, { kind: 'budget_reached', scope: 'daily' }],
  [2300055, { kind: 'pacing', defaultRetryAfterMs: PACING_WAIT_MS }],
  [2300056, { kind: 'payment_required', problem: 'spend_limit' }],
  [2300058, { kind: 'payment_required', problem: 'balance' }],
  [2300059, { kind: 'payment_required', problem: 'balance' }],
  [2300061, { kind: 'pacing', defaultRetryAfterMs: PACING_WAIT_MS }],
  [2300062, { kind: 'pacing', defaultRetryAfterMs: PACING_WAIT_MS }],
  [2300066, plain('terms_not_accepted')],
  [2300067, plain('terms_not_accepted')],
  [2300069, plain('terms_not_accepted')],
  [2300078, rateLimited()],
  [2300079, rateLimited()],
  [2300080, rateLimited(TOKEN_QUERY_QUOTA_WAIT_MS)],
]);

/** Marketing Message numbers are seven digits starting 2300; anything else in the range we do not know is `unknown`. */
export const isMarketingMessageNumber = (n: number | undefined): n is number => n !== undefined && n >= 2_300_000 && n < 2_400_000;

/** Send API / opt-in pairs where the subcode decides the meaning; keyed `${code}/${subcode}`. */
export const SUBCODE_RULES: ReadonlyMap<string, ErrorRule> = new Map<string, ErrorRule>([
  // [MSGR] "This message is sent outside of allowed window."
  ['10/2018278', plain('outside_window')],
  // [IG] Instagram's twin of 10/2018278: the 24-hour window of an Instagram conversation is closed.
  ['10/2534022', plain('outside_window')],
  // [MSGR] opt-in rules (old API, still met on the opt-in request): docs/meta-platform.md §3.
  ['613/1893016', plain('optin_duplicate')],
  ['9/2018352', plain('optin_limit')],
  // "Sent too soon" is an opt-in frequency rule, not a call-rate limit, despite code 4.
  ['4/2018354', plain('optin_limit')],
  ['10/1404170', plain('page_restricted')],
  ['10/1893015', plain('topic_stopped')],
  // [MSGR] "This person isn't available right now."
  ['551/1545041', plain('person_unavailable')],
  // [IG] Instagram's twin of 551/1545041: the person cannot be reached (account gone or messages off).
  ['100/2534014', plain('person_unavailable')],
  // [IG] -2/2207003 "It takes too long to download the media. Try again." (other -2 subcodes are final).
  ['-2/2207003', { kind: 'transient' }],
]);

/** Codes whose meaning does not depend on the subcode (after SUBCODE_RULES had its say). */
export const CODE_RULES: ReadonlyMap<number, ErrorRule> = new Map<number, ErrorRule>([
  // [GRAPH] 1 "API Unknown", 2 "API Service": temporary, retry later.
  [1, { kind: 'transient' }],
  [2, { kind: 'transient' }],
  // [MSGR] 1200 "Temporary send message failure. Please try again later." (e.g. subcode 2018024,
  // answered with HTTP 400), whatever the subcode.
  [1200, { kind: 'transient' }],
  // [IG] -1 "Instagram server error. Try again." (2207001; its other subcodes say to try again too).
  [-1, { kind: 'transient' }],
  // [GRAPH] 4 application, 17 user, 32 Page, 613 custom throttling.
  [4, rateLimited()],
  [17, rateLimited()],
  [32, rateLimited()],
  [613, rateLimited()],
  // [RATE] Business-use-case throttling family: 80002 is Instagram's twin of Messenger's 80006;
  // 80001 Pages, 80003 custom audiences, 80004 ads management, 80000/80005/80008/80009/80014 others.
  ...[80000, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014].map((code): [number, ErrorRule] => [code, rateLimited()]),
  // [GRAPH] 102 session, 190 access token.
  [102, plain('auth_invalid')],
  [190, plain('auth_invalid')],
  // [MSGR] 551 "This person isn't available right now", whatever the subcode.
  [551, plain('person_unavailable')],
]);

/** 200–299 are the Graph API's permission errors [GRAPH]. */
export const isPermissionCode = (code: number): boolean => code >= 200 && code <= 299;

/** Code 10 is "permission denied" unless a known subcode above gave it a narrower meaning. */
export const PERMISSION_DENIED_CODE = 10;
export const PERMISSION_TEXT = /permission/i;

/** Code 100 is a plain invalid parameter, except when the request's message tag is refused. */
export const INVALID_PARAMETER_CODE = 100;
export const DEPRECATED_MESSAGE_TAGS: ReadonlySet<string> = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);
/** Only consulted when the request carried a tag. */
export const TAG_TEXT = /\btag\b/i;

/**
 * The one-hour campaign warm-up answers with "not active / still being populated / not ready"
 * wording whose numbers Meta has not pinned down; such texts mean `message_not_active`.
 * On 2300000 only the warm-up specific wording overrides "campaign not active".
 */
export const WARM_UP_TEXT = /still being populated|not (yet )?ready/i;
export const NOT_ACTIVE_TEXT = /not active/i;
