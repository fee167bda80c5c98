import type { SandboxContext } from './context';
import type {
  AdAccountRegistration,
  BulkTokensInput,
  FaultsState,
  PageRegistration,
  PersonMessageInput,
  PersonOptinInput,
  PersonReferralInput,
  PersonRef,
  PersonTapInput,
  PersonStatusInput,
  MarketingSendWebhookInput,
  ReleaseWebhooksInput,
  SandboxStats,
  SettingsState,
} from './control-types';
import { isRecord, ok, type Params, type Reply } from './http-io';
import {
  controlError,
  createBulkTokens,
  personBlocks,
  personChangesStatus,
  peopleWroteElsewhere,
  personFollowsReferral,
  personOptsIn,
  personTaps,
  personWrites,
  receivedBy,
  tokenRows,
} from './people';
import { postMarketingSendWebhook } from './marketing-webhooks';

export const CONTROL_PREFIX = '/_sandbox';

type ControlHandler = (ctx: SandboxContext, body: Params, query: URLSearchParams) => Reply | Promise<Reply>;

/** Field checks for a control body; the first problem found, or undefined. */
type FieldKind = 'string' | 'number' | 'boolean' | 'string[]' | '?string' | '?number' | '?boolean' | '?string[]';

function invalidField(body: Params, fields: Record<string, FieldKind>): string | undefined {
  for (const [key, kind] of Object.entries(fields)) {
    const value = body[key];
    const optional = kind.startsWith('?');
    if (value === undefined && optional) continue;
    const base = optional ? kind.slice(1) : kind;
    const valid =
      base === 'string[]'
        ? Array.isArray(value) && value.every((item) => typeof item === 'string')
        : base === 'number'
          ? typeof value === 'number' && Number.isFinite(value)
          : typeof value === base && value !== '';
    if (!valid) return `${key} must be ${optional ? 'absent or ' : ''}a ${base}`;
  }
  return undefined;
}

/** Runs the handler only when the body has the listed fields; the cast is safe after the check. */
function withBody<T>(fields: Record<string, FieldKind>, handle: (ctx: SandboxContext, input: T) => Reply | Promise<Reply>): ControlHandler {
  return (ctx, body) => {
    const problem = invalidField(body, fields);
    return problem === undefined ? handle(ctx, body as T) : controlError(400, problem);
  };
}

function queryInt(query: URLSearchParams, key: string, fallback: number): number {
  const value = Number(query.get(key) ?? fallback);
  return Number.isSafeInteger(value) && value >= 0 ? value : fallback;
}

const PERSON_FIELDS = { pageId: 'string', psid: 'string' } as const;
const STATUS_FIELDS = { ...PERSON_FIELDS, title: '?string', times: '?string', statusSpelling: '?string', deliveries: '?number' } as const;

const ROUTES: Record<string, ControlHandler> = {
  'POST /pages': withBody<PageRegistration>(
    { id: 'string', name: '?string', platform: 'string', accessToken: 'string', restricted: '?boolean' },
    (ctx, input) => {
      if (input.platform !== 'facebook' && input.platform !== 'instagram')
        return controlError(400, 'platform must be facebook or instagram');
      const page = ctx.state.upsertPage(input);
      return ok({ id: page.id, name: page.name, platform: page.platform, restricted: page.restricted });
    },
  ),
  'POST /ad-accounts': withBody<AdAccountRegistration>(
    { id: 'string', systemUserToken: 'string', pageIds: 'string[]', pricePerMessage: 'number', currency: '?string' },
    (ctx, input) => {
      const account = ctx.state.upsertAdAccount({ ...input, id: input.id.replace(/^act_/, '') });
      return ok({ id: account.id, pageIds: [...account.pageIds], pricePerMessage: account.pricePerMessage, currency: account.currency });
    },
  ),
  'POST /webhook-target': withBody<{ url: string }>({ url: 'string' }, (ctx, input) => {
    ctx.state.webhookUrl = input.url;
    return ok({ url: input.url });
  }),
  'POST /people/message': withBody<PersonMessageInput>(
    { ...PERSON_FIELDS, text: '?string', timezone: '?string', standby: '?boolean', deliveries: '?number' },
    personWrites,
  ),
  'POST /people/optin': withBody<PersonOptinInput>(
    { ...PERSON_FIELDS, messageId: '?string', tokenExpiresInMs: '?number', times: '?string', deliveries: '?number' },
    personOptsIn,
  ),
  'POST /people/quick-reply': withBody<PersonTapInput>(
    { ...PERSON_FIELDS, title: 'string', messageId: '?string', deliveries: '?number' },
    (ctx, input) => personTaps(ctx, input, 'quick_reply'),
  ),
  'POST /people/postback': withBody<PersonTapInput>(
    { ...PERSON_FIELDS, title: 'string', messageId: '?string', deliveries: '?number' },
    (ctx, input) => personTaps(ctx, input, 'postback'),
  ),
  'POST /people/referral': withBody<PersonReferralInput>(
    { ...PERSON_FIELDS, ref: 'string', source: '?string', adId: '?string' },
    personFollowsReferral,
  ),
  'POST /people/wrote-elsewhere': withBody<{ pageId: string; psids: string[] }>(
    { pageId: 'string', psids: 'string[]' },
    peopleWroteElsewhere,
  ),
  'POST /people/stop': withBody<PersonStatusInput>(STATUS_FIELDS, (ctx, input) => personChangesStatus(ctx, input, 'stop')),
  'POST /people/resume': withBody<PersonStatusInput>(STATUS_FIELDS, (ctx, input) => personChangesStatus(ctx, input, 'resume')),
  'POST /people/block': withBody<PersonRef>(PERSON_FIELDS, personBlocks),
  'GET /people/received': (ctx, _body, query) => receivedBy(ctx, query.get('pageId') ?? '', query.get('psid') ?? ''),
  'POST /tokens/bulk': withBody<BulkTokensInput>(
    { pageId: 'string', count: 'number', title: 'string', timezone: '?string', prefix: '?string', payload: '?string' },
    createBulkTokens,
  ),
  'GET /tokens': (ctx, _body, query) =>
    tokenRows(ctx, query.get('pageId') ?? '', queryInt(query, 'offset', 0), queryInt(query, 'limit', 100)),
  'GET /marketing-sends': (ctx, _body, query) => {
    const campaignId = query.get('campaignId');
    const all = campaignId === null ? ctx.state.marketingSends : (ctx.state.marketingSendsByCampaign.get(campaignId) ?? []);
    const offset = queryInt(query, 'offset', 0);
    return ok({ data: all.slice(offset, offset + queryInt(query, 'limit', 100)), total: all.length });
  },
  'GET /stats': (ctx) => {
    const webhooks = ctx.webhooks.counts();
    const stats: SandboxStats = {
      ...ctx.state.counters,
      webhooksPosted: webhooks.posted,
      webhooksFailed: webhooks.failed,
      webhooksPending: webhooks.pending,
      webhooksSkipped: webhooks.skipped,
    };
    return ok(stats);
  },
  'GET /clock': (ctx) => ok({ now: ctx.clock.now() }),
  'POST /clock/advance': withBody<{ ms: number }>({ ms: 'number' }, (ctx, input) => ok({ now: ctx.clock.advance(input.ms) })),
  'POST /clock/set': withBody<{ now: number }>({ now: 'number' }, (ctx, input) => ok({ now: ctx.clock.set(input.now) })),
  'GET /faults': (ctx) => ok(faultsState(ctx)),
  'POST /faults': withBody<Partial<FaultsState>>(
    {
      errorRate: '?number',
      latencyMs: '?number',
      stallCampaignWritesNext: '?number',
      stallMs: '?number',
      rateLimitNext: '?number',
      transientNext: '?number',
      pacingNext: '?number',
      frequencyCapPsids: '?string[]',
    },
    (ctx, input) => {
      const faults = ctx.state.faults;
      if (input.errorRate !== undefined) faults.errorRate = Math.min(1, Math.max(0, input.errorRate));
      if (input.latencyMs !== undefined) faults.latencyMs = Math.max(0, input.latencyMs);
      if (input.rateLimitNext !== undefined) faults.rateLimitNext = Math.max(0, Math.floor(input.rateLimitNext));
      if (input.transientNext !== undefined) faults.transientNext = Math.max(0, Math.floor(input.transientNext));
      if (input.pacingNext !== undefined) faults.pacingNext = Math.max(0, Math.floor(input.pacingNext));
      if (input.stallCampaignWritesNext !== undefined)
        faults.stallCampaignWritesNext = Math.max(0, Math.floor(input.stallCampaignWritesNext));
      if (input.stallMs !== undefined) faults.stallMs = Math.max(0, input.stallMs);
      if (input.frequencyCapPsids !== undefined) faults.frequencyCapPsids = new Set(input.frequencyCapPsids);
      return ok(faultsState(ctx));
    },
  ),
  'GET /settings': (ctx) => ok(ctx.state.settings),
  'POST /settings': withBody<Partial<SettingsState>>(
    { marketingWebhooks: '?boolean', marketingReads: '?boolean', campaignWarmUpMs: '?number' },
    (ctx, input) => {
      if (input.marketingWebhooks !== undefined) ctx.state.settings.marketingWebhooks = input.marketingWebhooks;
      if (input.marketingReads !== undefined) ctx.state.settings.marketingReads = input.marketingReads;
      if (input.campaignWarmUpMs !== undefined) ctx.state.settings.campaignWarmUpMs = Math.max(0, input.campaignWarmUpMs);
      return ok(ctx.state.settings);
    },
  ),
  'POST /webhooks/flush': async (ctx) => {
    await ctx.webhooks.flush();
    return ok(ctx.webhooks.counts());
  },
  'POST /webhooks/hold': (ctx) => ok({ held: ctx.webhooks.hold() }),
  'POST /webhooks/release': async (ctx, body) => {
    const { order } = body as ReleaseWebhooksInput;
    if (order !== undefined && !Array.isArray(order)) return controlError(400, 'order must be absent or an array of indexes');
    try {
      return ok({ released: await ctx.webhooks.release(order) });
    } catch (error) {
      if (error instanceof RangeError) return controlError(400, error.message);
      throw error;
    }
  },
  'POST /webhooks/redeliver': withBody<{ ago?: number }>({ ago: '?number' }, async (ctx, input) => {
    // Meta retries a delivery it holds for failed (a 200 that came too late) up to a day later, in a new
    // delivery: entry[].time is the retry's, so the body differs from the first one.
    const body = ctx.webhooks.recentBody(input.ago ?? 0) as { entry?: Array<{ time?: number }> } | undefined;
    if (body === undefined) return controlError(404, `no webhook posted ${input.ago ?? 0} posts before the last is kept`);
    const now = ctx.clock.now();
    for (const entry of body.entry ?? []) entry.time = now;
    await ctx.webhooks.post(body);
    return ok({ redelivered: true, entryTime: now });
  }),
  'POST /marketing-sends/webhook': withBody<MarketingSendWebhookInput>(
    { trackingId: 'string', field: 'string', errorMessage: '?string' },
    postMarketingSendWebhook,
  ),
  'POST /reset': (ctx) => {
    ctx.state.reset();
    ctx.clock.rewind();
    ctx.webhooks.resetCounts();
    ctx.webhooks.forgetHeld();
    return ok({ now: ctx.clock.now() });
  },
};

function faultsState(ctx: SandboxContext): FaultsState {
  const { frequencyCapPsids, ...rest } = ctx.state.faults;
  return { ...rest, frequencyCapPsids: [...frequencyCapPsids] };
}

export function handleControlRequest(ctx: SandboxContext, method: string, url: URL, body: unknown): Reply | Promise<Reply> {
  const path = url.pathname.slice(CONTROL_PREFIX.length);
  const handler = ROUTES[`${method} ${path}`];
  if (handler === undefined) return controlError(404, `no control endpoint ${method} ${CONTROL_PREFIX}${path}`);
  if (!isRecord(body)) return controlError(400, 'body must be a JSON object');
  return handler(ctx, body, url.searchParams);
}
