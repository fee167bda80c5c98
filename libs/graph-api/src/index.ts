export { GraphApiClient } from './graph-client';
export type { GraphObserver } from './types';
export { appSecretProof } from './graph-transport';
export type {
  BudgetScope,
  DeliveryCertainty,
  GraphError,
  GraphErrorBase,
  GraphErrorKind,
  GraphErrorOf,
  PaymentProblem,
  PlainErrorKind,
  RegionScope,
  TransientReason,
} from './errors';
export { classifyGraphError, type RawGraphError, type ClassifyContext } from './classify-error';
export {
  DEFAULT_DEFER_DELAYS,
  defersCampaign,
  defersRecipient,
  isRetryable,
  marksSubscription,
  pausesCampaign,
  type DeferDelays,
  type SubscriptionMark,
} from './error-predicates';
export {
  MAX_GENERIC_ELEMENTS,
  MAX_OPTIN_TITLE_LENGTH,
  MAX_QUICK_REPLIES,
  MAX_TEMPLATE_BUTTONS,
  buildButtonTemplateMessage,
  buildGenericTemplateMessage,
  buildImageMessage,
  buildOptinRequestMessage,
  buildQuickRepliesMessage,
  buildTextMessage,
} from './message-builders';
export { MAX_MARKETING_TEXT_LENGTH } from './marketing-api';
export { META_TEXT_LIMITS, fitMetaText, metaTextLength, metaTextProblem, normaliseMetaText, requireMetaText } from './meta-text';
export { META_SECONDS_BELOW, parseMetaTime } from './meta-time';
export { normaliseMetaEnum, readMetaEnum } from './meta-enum';
export { USER_TOKEN_STATUSES } from './subscribers-api';
export { REDACTED, redactText, redactUrl } from './redact';
export type * from './types';
