import { MINUTE_MS } from './clock';
import type { SandboxContext } from './context';
import type {
  BulkTokensInput,
  PersonMessageInput,
  PersonMessageResult,
  PersonOptinInput,
  PersonOptinResult,
  PersonReferralInput,
  PersonReferralResult,
  PersonRef,
  PersonTapInput,
  PersonTapResult,
  PersonStatusInput,
  PersonStatusResult,
} from './control-types';
import { ok, type Reply } from './http-io';
import type { Page, Person, SubscriptionToken } from './model';
import {
  messagingWebhook,
  optinEvent,
  personMessageEvent,
  STATUS_SPELLINGS,
  TIME_FORMS,
  type MessagingEvent,
  type ReferralPayload,
} from './webhook-events';

/** What people do on their side of Messenger, driven by the control API. Each answers a Reply. */

const FOLLOW_UP_PERIOD_MS = 2 * MINUTE_MS;
const FOLLOW_UPS_AFTER_OPTIN = 3;
const DEFAULT_TIMEZONE = 'UTC';
const MAX_BULK = 5_000_000;
const BULK_CHUNK = 100_000;

export function controlError(status: number, message: string): Reply {
  return { status, body: { error: { message } } };
}

function findPage(ctx: SandboxContext, pageId: string): Page | undefined {
  return ctx.state.pages.get(pageId);
}

/**
 * The person writes to the Page: opens the 24-hour window (whichever app owns the thread) and posts a
 * `message` webhook, in `standby` when `input.standby` says another app owns the thread.
 */
export async function personWrites(ctx: SandboxContext, input: PersonMessageInput): Promise<Reply> {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  const person = ctx.state.ensurePerson(page.id, input.psid);
  if (input.timezone !== undefined) person.timezone = input.timezone;
  const now = ctx.clock.now();
  person.lastMessageAt = now;
  const mid = ctx.ids.messageId();
  const event = personMessageEvent(page, person.psid, mid, input.text ?? 'Hello', now);
  await ctx.webhooks.post(messagingWebhook(page, now, event, input.standby === true ? 'standby' : 'messaging'), input.deliveries ?? 1);
  const result: PersonMessageResult = { mid, timestamp: now };
  return ok(result);
}

/**
 * The person taps the opt-in button: a new token for the request's title (replacing an earlier
 * one for that title), the opt-in webhook, and Meta's 3 follow-ups within 2 minutes. It does not
 * open the messaging window.
 */
export async function personOptsIn(ctx: SandboxContext, input: PersonOptinInput): Promise<Reply> {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  if (input.times !== undefined && !TIME_FORMS.includes(input.times))
    return controlError(400, `times must be one of ${TIME_FORMS.join(', ')}`);
  const person = ctx.state.person(page.id, input.psid);
  const requests = person?.optinRequests ?? [];
  const request = input.messageId === undefined ? requests.at(-1) : requests.find((candidate) => candidate.messageId === input.messageId);
  if (person === undefined || request === undefined) {
    return controlError(409, `person ${input.psid} received no ${input.messageId === undefined ? '' : `such `}opt-in request`);
  }
  const now = ctx.clock.now();
  const token = ctx.state.addToken(page, person, ctx.ids.subscriptionToken(), {
    title: request.title,
    payload: request.payload,
    timezone: request.timezone ?? person.timezone ?? DEFAULT_TIMEZONE,
    createdAt: now,
    expiresAt: input.tokenExpiresInMs === undefined ? undefined : now + input.tokenExpiresInMs,
  });
  person.followUpUntil = now + FOLLOW_UP_PERIOD_MS;
  person.followUpsLeft = FOLLOW_UPS_AFTER_OPTIN;
  await ctx.webhooks.post(
    messagingWebhook(page, now, optinEvent(page, token, now, undefined, { times: input.times })),
    input.deliveries ?? 1,
  );
  const result: PersonOptinResult = { token: token.token, title: token.title, payload: token.payload };
  return ok(result);
}

/** Stop or resume marketing messages: flips the matching tokens and posts one status webhook per token. */
export async function personChangesStatus(ctx: SandboxContext, input: PersonStatusInput, action: 'stop' | 'resume'): Promise<Reply> {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  if (input.times !== undefined && !TIME_FORMS.includes(input.times))
    return controlError(400, `times must be one of ${TIME_FORMS.join(', ')}`);
  if (input.statusSpelling !== undefined && !STATUS_SPELLINGS.includes(input.statusSpelling))
    return controlError(400, `statusSpelling must be one of ${STATUS_SPELLINGS.join(', ')}`);
  const person = ctx.state.person(page.id, input.psid);
  if (person === undefined) return controlError(404, `unknown person ${input.psid}`);
  const from = action === 'stop' ? 'ACTIVE' : 'STOPPED';
  const flipped = (person.tokens ?? []).filter(
    (token) => token.status === from && (input.title === undefined || token.title === input.title),
  );
  const now = ctx.clock.now();
  const status = action === 'stop' ? 'STOP_NOTIFICATIONS' : 'RESUME_NOTIFICATIONS';
  for (const token of flipped) {
    ctx.state.setTokenStatus(token, action === 'stop' ? 'STOPPED' : 'ACTIVE');
    await ctx.webhooks.post(
      messagingWebhook(page, now, optinEvent(page, token, now, status, { times: input.times, statusSpelling: input.statusSpelling })),
      input.deliveries ?? 1,
    );
  }
  const result: PersonStatusResult = { tokens: flipped.map((token) => token.token) };
  return ok(result);
}

export function personBlocks(ctx: SandboxContext, input: PersonRef): Reply {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  ctx.state.ensurePerson(page.id, input.psid).blocked = true;
  return ok({ blocked: true });
}

/** Many subscribed people at once, without webhooks: for imports and benchmarks. */
export function createBulkTokens(ctx: SandboxContext, input: BulkTokensInput): Reply {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  if (!Number.isSafeInteger(input.count) || input.count < 1 || input.count > MAX_BULK)
    return controlError(400, `count must be 1..${MAX_BULK}`);
  if (typeof input.title !== 'string' || input.title === '') return controlError(400, 'title is required');
  const prefix = input.prefix ?? `bulk${++ctx.state.bulkCalls}_`;
  const now = ctx.clock.now();
  const fields = {
    title: input.title,
    payload: input.payload ?? input.title,
    timezone: input.timezone ?? DEFAULT_TIMEZONE,
    createdAt: now,
  };
  for (let start = 0; start < input.count; start += BULK_CHUNK) {
    const tokens = ctx.ids.subscriptionTokens(Math.min(BULK_CHUNK, input.count - start));
    for (let i = 0; i < tokens.length; i++) {
      const person = ctx.state.ensurePerson(page.id, `${prefix}${start + i}`);
      ctx.state.addToken(page, person, tokens[i], fields);
    }
  }
  return ok({ created: input.count });
}

export function receivedBy(ctx: SandboxContext, pageId: string, psid: string): Reply {
  const person: Person | undefined = ctx.state.person(pageId, psid);
  return ok({ data: person?.received ?? [] });
}

export function tokenRows(ctx: SandboxContext, pageId: string, offset: number, limit: number): Reply {
  const page = findPage(ctx, pageId);
  if (page === undefined) return controlError(404, `unknown page ${pageId}`);
  const rows = page.tokenList.slice(offset, offset + limit).map((token: SubscriptionToken) => ({
    token: token.token,
    psid: token.psid,
    title: token.title,
    status: token.status,
  }));
  return ok({ data: rows, total: page.tokenList.length });
}

interface WireQuickReply {
  title?: unknown;
  payload?: unknown;
}
interface WireButton {
  type?: unknown;
  title?: unknown;
  payload?: unknown;
}

/** The payload of the reply (quick replies) or postback button (button and generic templates) titled `title` in a sent message. */
function tapPayload(message: unknown, kind: 'quick_reply' | 'postback', title: string): string | undefined {
  const m = message as {
    quick_replies?: WireQuickReply[];
    attachment?: { payload?: { buttons?: WireButton[]; elements?: Array<{ buttons?: WireButton[] }> } };
  };
  if (kind === 'quick_reply') {
    const reply = (m.quick_replies ?? []).find((q) => q.title === title);
    return typeof reply?.payload === 'string' ? reply.payload : undefined;
  }
  const payload = m.attachment?.payload;
  const buttons = [...(payload?.buttons ?? []), ...(payload?.elements ?? []).flatMap((e) => e.buttons ?? [])];
  const button = buttons.find((b) => b.type === 'postback' && b.title === title);
  return typeof button?.payload === 'string' ? button.payload : undefined;
}

/**
 * The person taps a quick reply (Meta posts a `message` with `quick_reply.payload`, the reply's title as
 * text) or a postback button (`messaging_postbacks` with `postback.title` and `.payload`) of a message the
 * Page sent them. Either is the person writing: it opens the 24-hour window.
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages
 * https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
 */
export async function personTaps(ctx: SandboxContext, input: PersonTapInput, kind: 'quick_reply' | 'postback'): Promise<Reply> {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  const person = ctx.state.person(page.id, input.psid);
  const received = [...(person?.received ?? [])].reverse();
  const candidates = input.messageId === undefined ? received : received.filter((item) => item.messageId === input.messageId);
  const payload = candidates.map((item) => tapPayload(item.message, kind, input.title)).find((p) => p !== undefined);
  if (person === undefined || payload === undefined) {
    return controlError(
      409,
      `person ${input.psid} received no ${kind === 'quick_reply' ? 'quick reply' : 'postback button'} titled ${input.title}`,
    );
  }
  const now = ctx.clock.now();
  person.lastMessageAt = now;
  const mid = ctx.ids.messageId();
  const event: MessagingEvent = { sender: { id: person.psid }, recipient: { id: page.id }, timestamp: now };
  if (kind === 'quick_reply') event.message = { mid, text: input.title, quick_reply: { payload } };
  else event.postback = { mid, title: input.title, payload };
  await ctx.webhooks.post(messagingWebhook(page, now, event), input.deliveries ?? 1);
  const result: PersonTapResult = { mid, payload, timestamp: now };
  return ok(result);
}

/**
 * The person follows an m.me link with `?ref=` (or an ad). Someone who never wrote to the Page opens a
 * new thread and taps Get Started: a postback carrying the referral (which opens the window). Someone who
 * has a thread already gets a `messaging_referrals` event, which opens nothing.
 */
export async function personFollowsReferral(ctx: SandboxContext, input: PersonReferralInput): Promise<Reply> {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  if (input.source !== undefined && input.source !== 'SHORTLINK' && input.source !== 'ADS')
    return controlError(400, 'source must be SHORTLINK or ADS');
  const existing = ctx.state.person(page.id, input.psid)?.lastMessageAt !== undefined;
  const person = ctx.state.ensurePerson(page.id, input.psid);
  const now = ctx.clock.now();
  const referral: ReferralPayload = {
    ref: input.ref,
    source: input.source ?? 'SHORTLINK',
    type: 'OPEN_THREAD',
    ...(input.adId !== undefined && { ad_id: input.adId }),
  };
  const event: MessagingEvent = { sender: { id: person.psid }, recipient: { id: page.id }, timestamp: now };
  if (existing) event.referral = referral;
  else {
    person.lastMessageAt = now;
    event.postback = { mid: ctx.ids.messageId(), title: 'Get Started', payload: 'GET_STARTED', referral };
  }
  await ctx.webhooks.post(messagingWebhook(page, now, event));
  const result: PersonReferralResult = { posted: existing ? 'referral' : 'postback', timestamp: now };
  return ok(result);
}

/**
 * These people wrote to the Page just now, their `message` webhooks posted by the caller itself (a burst
 * test posting thousands straight to the app): the sandbox knows them and their window is open, and
 * nothing is posted from here.
 */
export function peopleWroteElsewhere(ctx: SandboxContext, input: { pageId: string; psids: string[] }): Reply {
  const page = findPage(ctx, input.pageId);
  if (page === undefined) return controlError(404, `unknown page ${input.pageId}`);
  const now = ctx.clock.now();
  for (const psid of input.psids) ctx.state.ensurePerson(page.id, psid).lastMessageAt = now;
  return ok({ people: input.psids.length });
}
