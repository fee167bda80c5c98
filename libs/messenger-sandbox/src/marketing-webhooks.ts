import type { SandboxContext } from './context';
import type { MarketingSendWebhookInput } from './control-types';
import { ok, type Reply } from './http-io';
import { controlError } from './people';
import { marketingWebhook, type MarketingWebhookField, type MarketingWebhookValue } from './webhook-events';

const MARKETING_WEBHOOK_FIELDS: ReadonlySet<string> = new Set<MarketingWebhookField>([
  'marketing_message_echoes',
  'marketing_message_deliveries',
  'marketing_message_reads',
  'marketing_message_clicks',
  'marketing_message_delivery_failed',
]);

/**
 * Posts one of Meta's later webhooks about an accepted marketing send (a read, a click, an asynchronous
 * failure, or an echo/delivery again), stamped with the sandbox clock's now; with `hold` they can be
 * delivered late and out of order. Platform doc §5: clicks and failures carry no tracking id.
 */
export async function postMarketingSendWebhook(ctx: SandboxContext, input: MarketingSendWebhookInput): Promise<Reply> {
  if (!MARKETING_WEBHOOK_FIELDS.has(input.field))
    return controlError(400, `field must be one of ${[...MARKETING_WEBHOOK_FIELDS].join(', ')}`);
  const send = ctx.state.marketingSends.find((candidate) => candidate.trackingId === input.trackingId);
  if (send === undefined) return controlError(404, `no marketing send with tracking id ${input.trackingId}`);
  const page = ctx.state.pages.get(send.pageId);
  if (page === undefined) return controlError(404, `unknown page ${send.pageId}`);
  const now = ctx.clock.now();
  const withTrackingId = input.field !== 'marketing_message_clicks' && input.field !== 'marketing_message_delivery_failed';
  const value: MarketingWebhookValue = {
    page_id: page.id,
    timestamp: now,
    messenger_subscription_token: send.token,
    message_id: send.campaignId,
    ...(withTrackingId ? { marketing_message_tracking_id: send.trackingId } : {}),
    recipient_id: send.psid,
    ...(input.field === 'marketing_message_delivery_failed' ? { error_message: input.errorMessage ?? 'Message failed to deliver' } : {}),
  };
  await ctx.webhooks.post(marketingWebhook(page, now, input.field, value));
  return ok({ posted: input.field, timestamp: now });
}
