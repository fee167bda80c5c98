import {
  PLAIN_ERROR_KINDS,
  type DeliveryCertainty,
  type GraphError,
  type GraphErrorBase,
  type PlainErrorKind,
  type TransientReason,
} from './errors';
import {
  CODE_RULES,
  DEFAULT_RATE_LIMIT_WAIT_MS,
  DEPRECATED_MESSAGE_TAGS,
  INVALID_PARAMETER_CODE,
  MARKETING_MESSAGE_RULES,
  NOT_ACTIVE_TEXT,
  PERMISSION_DENIED_CODE,
  PERMISSION_TEXT,
  SUBCODE_RULES,
  TAG_TEXT,
  WARM_UP_TEXT,
  isMarketingMessageNumber,
  isPermissionCode,
  type ErrorRule,
} from './error-table';
import { asNumber, asRecord, asString, parseJson, type JsonRecord } from './json';
import { parseMetaTime } from './meta-time';

/** Meta's error body: `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`. */
export interface RawGraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: unknown;
  /** Meta's own verdict that the same call may succeed later, whatever the code and HTTP status. */
  is_transient?: boolean;
  fbtrace_id?: string;
}

export interface ClassifyContext {
  httpStatus?: number;
  /** Lower-cased response headers, for usage-based retry hints. */
  headers?: Readonly<Record<string, string | undefined>>;
  /** Epoch ms; defaults to Date.now(). */
  now?: number;
  /** The tag the request carried, so a refused deprecated tag is named as such. */
  messageTag?: string;
  /** Removes secrets from Meta's message text before it is returned. */
  redact?: (text: string) => string;
}

const identity = (text: string): string => text;

/**
 * Turn a Meta error object (the inside of `{ error: … }`) into a typed outcome. Exported so webhook
 * handlers can classify asynchronous failures with the same table.
 */
export const classifyGraphError = (raw: RawGraphError, ctx: ClassifyContext = {}): GraphError => {
  const redact = ctx.redact ?? identity;
  const code = asNumber(raw.code) ?? 0;
  const subcode = asNumber(raw.error_subcode);
  const message = redact(asString(raw.message) ?? 'Graph API error');
  const fbtraceId = asString(raw.fbtrace_id);
  const base: GraphErrorBase = {
    code,
    ...(subcode !== undefined && { subcode }),
    message,
    ...(ctx.httpStatus !== undefined && { httpStatus: ctx.httpStatus }),
    ...(fbtraceId !== undefined && { fbtraceId }),
  };
  const errorData = readErrorData(raw.error_data);
  const rule = transientWhenMetaSaysSo(findRule(code, subcode, message, ctx), raw.is_transient);
  return fromRule(rule, base, errorData, ctx);
};

/** Outcomes that already wait and retry on their own timing; `is_transient` does not change them. */
const RETRIED_WITH_OWN_TIMING: ReadonlySet<ErrorRule['kind']> = new Set(['rate_limited', 'pacing', 'transient', 'message_not_active']);

/**
 * `is_transient: true` is Meta's own "retry this" (Graph API error handling:
 * https://developers.facebook.com/docs/graph-api/guides/error-handling), and it overrides a code we
 * would otherwise take as final, e.g. `(#1200) Temporary send message failure` answered with HTTP 400.
 * Outcomes that already wait and retry (throttling, pacing, warm-up) keep their own, more precise timing.
 */
const transientWhenMetaSaysSo = (rule: ErrorRule, isTransient: unknown): ErrorRule =>
  isTransient === true && !RETRIED_WITH_OWN_TIMING.has(rule.kind) ? { kind: 'transient' } : rule;

/** A response with a non-2xx status, whatever its body. */
export const classifyErrorResponse = (status: number, bodyText: string, ctx: ClassifyContext = {}): GraphError => {
  const withStatus: ClassifyContext = { ...ctx, httpStatus: status };
  const inner = asRecord(asRecord(parseJson(bodyText))?.error);
  if (inner !== undefined) {
    const classified = classifyGraphError(inner as RawGraphError, withStatus);
    if (classified.kind === 'unknown' && status >= 500) {
      return { ...classified, kind: 'transient', reason: 'server_error', delivery: deliveryAfterServerError(status) };
    }
    return classified;
  }
  if (status >= 500) {
    return {
      kind: 'transient',
      code: 0,
      message: `Graph API answered HTTP ${status}`,
      httpStatus: status,
      reason: 'server_error',
      delivery: deliveryAfterServerError(status),
    };
  }
  if (status === 429) {
    return fromRule(
      { kind: 'rate_limited', defaultRetryAfterMs: DEFAULT_RATE_LIMIT_WAIT_MS },
      {
        code: 0,
        message: 'Graph API answered HTTP 429',
        httpStatus: status,
      },
      {},
      withStatus,
    );
  }
  return { kind: 'unknown', code: 0, message: `Graph API answered HTTP ${status} without an error body`, httpStatus: status };
};

/** A failure with no HTTP answer at all (Node / axios error code such as ETIMEDOUT). */
export const classifyTransportFailure = (errorCode: string | undefined, message: string): GraphError => {
  const [reason, delivery] = transportOutcome(errorCode);
  return { kind: 'transient', code: 0, message, reason, delivery };
};

/**
 * Only failures that provably happened before the request left this process are `not_sent`;
 * a reset or timeout may come after Meta already acted on the request.
 */
const transportOutcome = (errorCode: string | undefined): [TransientReason, DeliveryCertainty] => {
  switch (errorCode) {
    case 'ECONNREFUSED':
      return ['connection_refused', 'not_sent'];
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return ['dns', 'not_sent'];
    case 'ETIMEDOUT':
    case 'ECONNABORTED':
    case 'ESOCKETTIMEDOUT':
      return ['timeout', 'unknown'];
    case 'ECONNRESET':
    case 'EPIPE':
      return ['connection_reset', 'unknown'];
    case undefined:
    default:
      return ['network', 'unknown'];
  }
};

/** A 504 is a gateway that stopped waiting for a backend which may still have done the work. */
const deliveryAfterServerError = (status: number): DeliveryCertainty => (status === 504 ? 'unknown' : 'not_sent');

const findRule = (code: number, subcode: number | undefined, message: string, ctx: ClassifyContext): ErrorRule => {
  const mmNumber = isMarketingMessageNumber(subcode) ? subcode : isMarketingMessageNumber(code) ? code : undefined;
  if (mmNumber !== undefined) {
    const rule = MARKETING_MESSAGE_RULES.get(mmNumber);
    if (mmNumber === 2300000 && WARM_UP_TEXT.test(message)) return { kind: 'message_not_active' };
    if (rule !== undefined) return rule;
    return isWarmUpText(message) ? { kind: 'message_not_active' } : { kind: 'unknown' };
  }
  const pairRule = subcode !== undefined ? SUBCODE_RULES.get(`${code}/${subcode}`) : undefined;
  if (pairRule !== undefined) return pairRule;
  const codeRule = CODE_RULES.get(code);
  if (codeRule !== undefined) return codeRule;
  if (isPermissionCode(code)) return { kind: 'auth_invalid' };
  if (code === PERMISSION_DENIED_CODE) {
    return subcode === undefined || PERMISSION_TEXT.test(message) ? { kind: 'auth_invalid' } : { kind: 'unknown' };
  }
  // "Invalid appsecret_proof provided in the API argument" is a code 100, but what is wrong is the app secret.
  if (code === INVALID_PARAMETER_CODE && subcode === undefined && /appsecret_proof/i.test(message)) return { kind: 'auth_invalid' };
  if (code === INVALID_PARAMETER_CODE) {
    return refusesTag(message, ctx.messageTag) ? { kind: 'tag_not_allowed' } : { kind: 'invalid_request' };
  }
  // Outside the 23000xx range only the warm-up specific wording counts: "not active" alone also
  // describes disabled ad accounts, which must not be mistaken for a short wait.
  return WARM_UP_TEXT.test(message) ? { kind: 'message_not_active' } : { kind: 'unknown' };
};

const refusesTag = (message: string, sentTag: string | undefined): boolean => {
  if (sentTag !== undefined && DEPRECATED_MESSAGE_TAGS.has(sentTag)) return true;
  if ([...DEPRECATED_MESSAGE_TAGS].some((tag) => message.includes(tag))) return true;
  return sentTag !== undefined && TAG_TEXT.test(message);
};

const isWarmUpText = (message: string): boolean => WARM_UP_TEXT.test(message) || NOT_ACTIVE_TEXT.test(message);

const isPlainRule = (rule: ErrorRule): rule is { kind: PlainErrorKind } => (PLAIN_ERROR_KINDS as readonly string[]).includes(rule.kind);

const fromRule = (rule: ErrorRule, base: GraphErrorBase, errorData: JsonRecord, ctx: ClassifyContext): GraphError => {
  if (isPlainRule(rule)) return { ...base, kind: rule.kind };
  switch (rule.kind) {
    case 'rate_limited':
    case 'pacing': {
      const retryAfterMs = retryHintMs(errorData, ctx.headers) ?? rule.defaultRetryAfterMs;
      const retryAt = new Date((ctx.now ?? Date.now()) + retryAfterMs);
      return { ...base, kind: rule.kind, retryAfterMs, retryAt };
    }
    case 'transient':
      return { ...base, kind: 'transient', reason: 'graph_transient', delivery: deliveryAfterServerError(base.httpStatus ?? 0) };
    case 'too_early': {
      const nextEligibleAt = parseMetaTime(errorData.next_eligible_time);
      return { ...base, kind: 'too_early', ...(nextEligibleAt !== undefined && { nextEligibleAt }) };
    }
    case 'budget_reached':
      return { ...base, kind: 'budget_reached', scope: rule.scope };
    case 'region_not_allowed':
      return { ...base, kind: 'region_not_allowed', scope: rule.scope };
    case 'payment_required':
      return { ...base, kind: 'payment_required', problem: rule.problem };
  }
};

/** Meta sometimes sends error_data as a JSON string. */
const readErrorData = (value: unknown): JsonRecord =>
  asRecord(value) ?? (typeof value === 'string' ? asRecord(parseJson(value)) : undefined) ?? {};

/**
 * Most precise hint first: the error's own `remaining_seconds`, then the usage headers Meta adds
 * to throttled answers (`estimated_time_to_regain_access` is in minutes), then Retry-After.
 */
const retryHintMs = (errorData: JsonRecord, headers: Readonly<Record<string, string | undefined>> | undefined): number | undefined => {
  const remaining = asNumber(errorData.remaining_seconds);
  if (remaining !== undefined && remaining >= 0) return Math.round(remaining * 1000);
  const usageMinutes = regainAccessMinutes(headers?.['x-business-use-case-usage']);
  if (usageMinutes !== undefined && usageMinutes > 0) return usageMinutes * 60_000;
  const retryAfter = asNumber(headers?.['retry-after']);
  if (retryAfter !== undefined && retryAfter >= 0) return Math.round(retryAfter * 1000);
  return undefined;
};

const regainAccessMinutes = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const usage = asRecord(parseJson(header));
  if (usage === undefined) return undefined;
  let longest: number | undefined;
  for (const entries of Object.values(usage)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const minutes = asNumber(asRecord(entry)?.estimated_time_to_regain_access);
      if (minutes !== undefined && (longest === undefined || minutes > longest)) longest = minutes;
    }
  }
  return longest;
};
