/**
 * The typed outcomes of a failed Graph call. Which Meta code becomes which kind lives in
 * `error-table.ts`; what a worker should do about a kind lives in `error-predicates.ts`.
 */
export interface GraphErrorBase {
  /** Meta's `error.code`; 0 when the failure never produced a Graph error body (network, bare 5xx). */
  code: number;
  subcode?: number;
  /** Meta's message (secrets removed) or a description of the transport failure. */
  message: string;
  httpStatus?: number;
  fbtraceId?: string;
}

/** Kinds that carry nothing beyond the base fields (a runtime list, so the classifier can tell them apart). */
export const PLAIN_ERROR_KINDS = [
  'outside_window',
  'tag_not_allowed',
  'optin_duplicate',
  'optin_limit',
  'page_restricted',
  'topic_stopped',
  'person_unavailable',
  'subscriber_stopped',
  'token_invalid',
  'token_other_page',
  'token_expired',
  'campaign_not_active',
  'message_invalid',
  'message_not_active',
  'frequency_capped',
  'placeholder_unresolved',
  'button_invalid',
  'terms_not_accepted',
  'auth_invalid',
  'invalid_request',
  'unknown',
] as const;

export type PlainErrorKind = (typeof PLAIN_ERROR_KINDS)[number];

/**
 * `not_sent`: the request cannot have reached Meta's logic (connection refused, DNS, a 5xx answer).
 * `unknown`: it may have been processed (timeout or reset after writing, 504): a send must not be
 * repeated blindly because the Marketing Message API has no idempotency key.
 */
export type DeliveryCertainty = 'not_sent' | 'unknown';

export type TransientReason =
  'timeout' | 'connection_reset' | 'connection_refused' | 'dns' | 'network' | 'server_error' | 'graph_transient';

export type BudgetScope = 'lifetime' | 'daily';
export type PaymentProblem = 'no_payment_method' | 'spend_limit' | 'balance';
export type RegionScope = 'ad_account' | 'page' | 'recipient';

/** One union member per plain kind, so `GraphErrorOf<'unknown'>` narrows like the others. */
type PlainGraphError = { [K in PlainErrorKind]: GraphErrorBase & { kind: K } }[PlainErrorKind];

export type GraphError =
  | PlainGraphError
  | (GraphErrorBase & { kind: 'rate_limited'; retryAfterMs: number; retryAt: Date })
  | (GraphErrorBase & { kind: 'pacing'; retryAfterMs: number; retryAt: Date })
  | (GraphErrorBase & { kind: 'transient'; delivery: DeliveryCertainty; reason: TransientReason })
  | (GraphErrorBase & { kind: 'too_early'; nextEligibleAt?: Date })
  | (GraphErrorBase & { kind: 'budget_reached'; scope: BudgetScope })
  | (GraphErrorBase & { kind: 'payment_required'; problem: PaymentProblem })
  | (GraphErrorBase & { kind: 'region_not_allowed'; scope: RegionScope });

export type GraphErrorKind = GraphError['kind'];

/** Narrow a GraphError to one kind, e.g. `GraphErrorOf<'transient'>`. */
export type GraphErrorOf<K extends GraphErrorKind> = Extract<GraphError, { kind: K }>;
