import { invalidParameter, type GraphErrorSpec } from './errors';
import { isRecord } from './http-io';

/** The opt-in request carried by a `notification_messages` template. */
export interface OptinRequestContent {
  title: string;
  payload: string;
  imageUrl?: string;
  timezone?: string;
}

export type SendApiContent = { type: string; optin?: OptinRequestContent };

export const DEFAULT_OPTIN_TITLE = 'Updates and promotions';
const MAX_OPTIN_TITLE = 65;
const MAX_TEXT = 2000;
const MAX_QUICK_REPLIES = 13;
const ASPECT_RATIOS = new Set(['HORIZONTAL', 'SQUARE']);
const CTA_TEXTS = new Set(['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP']);

/** Reads a Send API `message`: what kind it is, and the opt-in request when it is one. */
export function readSendApiMessage(message: unknown): SendApiContent | GraphErrorSpec {
  if (!isRecord(message)) return invalidParameter('param message must be a non-empty object');
  if (message.text !== undefined) {
    if (typeof message.text !== 'string' || message.text === '')
      return invalidParameter('param message[text] must be a non-empty UTF-8 encoded string');
    if (message.text.length > MAX_TEXT) return invalidParameter(`param message[text] must be at most ${MAX_TEXT} characters`);
    if (message.quick_replies === undefined) return { type: 'text' };
    if (!Array.isArray(message.quick_replies) || message.quick_replies.length === 0 || message.quick_replies.length > MAX_QUICK_REPLIES) {
      return invalidParameter(`param message[quick_replies] must be an array of 1 to ${MAX_QUICK_REPLIES} items`);
    }
    return { type: 'quick_replies' };
  }
  if (!isRecord(message.attachment)) return invalidParameter('param message must contain text or attachment');
  const attachment = message.attachment;
  if (attachment.type !== 'template') return { type: 'attachment' };
  if (!isRecord(attachment.payload)) return invalidParameter('param message[attachment][payload] must be an object');
  const templateType = attachment.payload.template_type;
  if (templateType === 'notification_messages') return readOptinTemplate(attachment.payload);
  if (typeof templateType !== 'string' || templateType === '')
    return invalidParameter('param message[attachment][payload][template_type] is required');
  return { type: templateType };
}

function readOptinTemplate(payload: Record<string, unknown>): SendApiContent | GraphErrorSpec {
  const title = payload.title === undefined ? DEFAULT_OPTIN_TITLE : payload.title;
  if (typeof title !== 'string' || title === '') return invalidParameter('param title must be a non-empty string');
  if (title.length > MAX_OPTIN_TITLE) return invalidParameter(`param title must be at most ${MAX_OPTIN_TITLE} characters`);
  if (typeof payload.payload !== 'string' || payload.payload === '')
    return invalidParameter('param payload is required for the notification_messages template');
  if (payload.image_url !== undefined && typeof payload.image_url !== 'string') return invalidParameter('param image_url must be a URL');
  if (payload.image_aspect_ratio !== undefined && !ASPECT_RATIOS.has(String(payload.image_aspect_ratio))) {
    return invalidParameter('param image_aspect_ratio must be one of {HORIZONTAL, SQUARE}');
  }
  if (payload.notification_messages_cta_text !== undefined && !CTA_TEXTS.has(String(payload.notification_messages_cta_text))) {
    return invalidParameter('param notification_messages_cta_text must be one of {ALLOW, GET, GET_UPDATES, OPT_IN, SIGN_UP}');
  }
  if (payload.notification_messages_timezone !== undefined && typeof payload.notification_messages_timezone !== 'string') {
    return invalidParameter('param notification_messages_timezone must be an IANA time zone name');
  }
  if (payload.elements !== undefined && (!Array.isArray(payload.elements) || payload.elements.length < 1 || payload.elements.length > 5)) {
    return invalidParameter('param elements must hold 1 to 5 items');
  }
  return {
    type: 'notification_messages',
    optin: {
      title,
      payload: payload.payload,
      imageUrl: payload.image_url,
      timezone: payload.notification_messages_timezone,
    },
  };
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const RESOLVABLE_PLACEHOLDERS = new Set(['first_name', 'last_name', 'full_name']);

/** The first `{{placeholder}}` Meta could not fill in, if any. */
export function findUnresolvedPlaceholder(message: unknown): string | undefined {
  const text = JSON.stringify(message);
  if (!text.includes('{{')) return undefined;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!RESOLVABLE_PLACEHOLDERS.has(match[1])) return match[0];
  }
  return undefined;
}
