import type { SandboxContext } from './context';
import {
  deprecatedTag,
  invalidParameter,
  noMatchingUser,
  outsideWindow,
  pageRestrictedFromOptins,
  personUnavailable,
  type GraphErrorSpec,
} from './errors';
import { isRecord, ok, readString, type Params, type Reply } from './http-io';
import { readSendApiMessage } from './message-content';
import { decideWindow } from './messaging-window';
import type { Page } from './model';
import { checkOptinRequest } from './optin-rules';

const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen']);
const MESSAGING_TYPES = new Set(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']);
/** Answer error 100 since 2026-04-27; only HUMAN_AGENT remains. */
const DEPRECATED_TAGS = new Set(['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE']);

/** `POST /{v}/{PAGE_ID}/messages`: ordinary messages and opt-in requests to a PSID. */
export function sendApiMessage(ctx: SandboxContext, page: Page, params: Params): Reply | GraphErrorSpec {
  const { state, clock, ids } = ctx;
  const recipient = params.recipient;
  if (!isRecord(recipient)) return invalidParameter('param recipient must be non-empty.');
  if (recipient.notification_messages_token !== undefined) {
    return invalidParameter(
      'Sending with recipient.notification_messages_token is deprecated: use the Marketing Message API for Messenger.',
    );
  }
  const psid = readString(recipient, 'id');
  if (psid === undefined) return invalidParameter('param recipient[id] must be non-empty.');
  if (params.sender_action !== undefined) return senderAction(ctx, page, psid, params.sender_action);

  const messagingType = readString(params, 'messaging_type');
  if (messagingType === undefined || !MESSAGING_TYPES.has(messagingType)) {
    return invalidParameter('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
  }
  const tag = messagingType === 'MESSAGE_TAG' ? readString(params, 'tag') : undefined;
  if (messagingType === 'MESSAGE_TAG') {
    if (tag === undefined) return invalidParameter('param tag is required when messaging_type is MESSAGE_TAG');
    if (DEPRECATED_TAGS.has(tag)) return deprecatedTag(tag);
    if (tag !== 'HUMAN_AGENT') return invalidParameter('param tag must be HUMAN_AGENT');
  }

  const content = readSendApiMessage(params.message);
  if ('status' in content) return content;

  const person = state.person(page.id, psid);
  if (person === undefined) return noMatchingUser();
  if (person.blocked === true) return personUnavailable();
  if (content.optin !== undefined && page.restricted) return pageRestrictedFromOptins();

  const now = clock.now();
  const kind = content.optin !== undefined ? 'optin_request' : tag === 'HUMAN_AGENT' ? 'human_agent' : 'standard';
  const window = decideWindow(person, now, kind);
  if (!window.allowed) return outsideWindow();
  if (content.optin !== undefined) {
    const refusal = checkOptinRequest(page.platform, person.optinRequests, content.optin, now);
    if (refusal !== undefined) return refusal;
  }

  const messageId = ids.messageId();
  if (window.via === 'follow_up') person.followUpsLeft = (person.followUpsLeft ?? 1) - 1;
  if (content.optin !== undefined) {
    (person.optinRequests ??= []).push({ messageId, sentAt: now, ...content.optin });
  }
  state.recordReceived(person, {
    source: 'send_api',
    type: content.type,
    time: now,
    message: params.message,
    messageId,
    messagingType,
    tag,
  });
  state.counters.sends++;
  return ok({ recipient_id: psid, message_id: messageId });
}

/** typing_on / typing_off / mark_seen: same window as a message, nothing stored, no message_id. */
function senderAction(ctx: SandboxContext, page: Page, psid: string, action: unknown): Reply | GraphErrorSpec {
  if (typeof action !== 'string' || !SENDER_ACTIONS.has(action))
    return invalidParameter('param sender_action must be one of {typing_on, typing_off, mark_seen}');
  const person = ctx.state.person(page.id, psid);
  if (person === undefined) return noMatchingUser();
  if (person.blocked === true) return personUnavailable();
  if (!decideWindow(person, ctx.clock.now(), 'standard').allowed) return outsideWindow();
  return ok({ recipient_id: psid });
}
