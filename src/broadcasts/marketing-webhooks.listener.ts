import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { MessengerEvents, type MarketingMessageEvent, type MarketingMessageKind } from '../messenger/events/messenger-events';
import { OnMessengerEvent } from '../messenger/events/on-messenger-event';
import { hashToken } from '../optins/subscriptions.service';

/**
 * The marketing_message_* webhooks update the delivery rows, and are also the reconciliation of
 * `uncertain` rows: an echo, a delivery, a read or a click for a row we could not confirm proves it was
 * sent. A row is found by tracking id, else by subscription token + Meta's campaign id (the unique
 * (campaign_id, subscription_id) key names one row).
 *
 * Meta retries a delivery for up to a day and does not order them (docs/meta-platform.md §3, §5), so every
 * update is a conditional UPDATE whose result does not depend on the order events arrive in:
 * - each event's own time is kept as the earliest of its kind (`sent_at`, `delivered_at`, `read_at`,
 *   `clicked_at`, `failed_at`), and a later stage implies the earlier ones no later than its own time
 *   (a read was delivered, a click was read and delivered); a redelivery changes nothing;
 * - nothing downgrades: a delivery after a read keeps the read;
 * - `marketing_message_delivery_failed` fails only a row with no delivery, read or click: those prove the
 *   message reached the person (Meta bills per delivered message), so they win over a failure whichever
 *   arrives first, and a row failed by an earlier-processed failure becomes `sent` again (keeping
 *   `failed_at`). An echo only proves the send, not the delivery: it does not undo a failure.
 * - a row is counted in the campaign's sent count and spend once, when it first becomes sent
 *   (`sent_at` still NULL), by whoever gets there first: the worker or one of these webhooks.
 */
@Injectable()
export class MarketingWebhooksListener {
  private readonly logger = new Logger(MarketingWebhooksListener.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  @OnMessengerEvent(MessengerEvents.MarketingMessage)
  async onMarketingMessage(event: MarketingMessageEvent): Promise<void> {
    const row = await this.findDelivery(event);
    if (!row) {
      this.logger.debug({ msg: 'marketing webhook for no delivery of ours', kind: event.kind, pageId: event.pageId });
      return;
    }
    const at = this.dialect.time(event.at);
    const now = this.dialect.time(this.clock.now());
    if (event.kind === 'delivery_failed') {
      await this.keepEarliest(row.id, ['failed_at'], at, now);
      await this.dataSource.query(
        `UPDATE campaign_deliveries SET status = 'failed', reason = 'delivery_failed', error_message = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
          WHERE id = ? AND status IN ('sent', 'uncertain', 'sending') AND delivered_at IS NULL AND read_at IS NULL AND clicked_at IS NULL`,
        [(event.errorMessage ?? 'Meta reported the delivery failed').slice(0, 1000), now, row.id],
      );
      return;
    }
    // The evidence first: a failure processed at the same time then sees it (see the class comment).
    const stages = PROVES[event.kind];
    if (stages.length > 0) await this.keepEarliest(row.id, stages, at, now);
    // Proof of a send: an uncertain (or still leased) row is settled as sent, counted once.
    const undoesFailure = event.kind !== 'echo';
    const settled = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaign_deliveries SET status = 'sent', tracking_id = COALESCE(tracking_id, ?), sent_at = ?, reason = NULL, error_code = NULL,
         error_message = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
       WHERE id = ? AND sent_at IS NULL AND (status IN ('uncertain', 'sending')${undoesFailure ? " OR (status = 'failed' AND reason = 'delivery_failed')" : ''})`,
      [event.trackingId ?? null, at, now, row.id],
    );
    if (settled === 1) {
      await this.dataSource.query(
        'UPDATE campaigns SET sent_count = sent_count + 1, spend = spend + price_per_message, updated_at = ? WHERE id = ?',
        [now, row.campaignId],
      );
      this.logger.log({ msg: 'delivery settled as sent', deliveryId: row.id, by: event.kind });
    } else if (undoesFailure) {
      await this.dataSource.query(
        `UPDATE campaign_deliveries SET status = 'sent', reason = NULL, error_code = NULL, error_message = NULL, updated_at = ?
          WHERE id = ? AND status = 'failed' AND reason = 'delivery_failed'`,
        [now, row.id],
      );
    }
  }

  /** Each listed instant becomes the earlier of what it holds and `at`: the same result in any order. */
  private async keepEarliest(id: string, columns: readonly string[], at: Date | string, now: Date | string): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign_deliveries SET ${columns.map((c) => `${c} = CASE WHEN ${c} IS NULL OR ${c} > ? THEN ? ELSE ${c} END`).join(', ')}, updated_at = ?
        WHERE id = ?`,
      [...columns.flatMap(() => [at, at]), now, id],
    );
  }

  private async findDelivery(event: MarketingMessageEvent): Promise<{ id: string; campaignId: string } | undefined> {
    if (event.trackingId) {
      const [byTracking] = (await this.dataSource.query('SELECT id, campaign_id FROM campaign_deliveries WHERE tracking_id = ? LIMIT 1', [
        event.trackingId,
      ])) as Array<{
        id: string | number;
        campaign_id: string;
      }>;
      if (byTracking) return { id: String(byTracking.id), campaignId: byTracking.campaign_id };
    }
    if (!event.subscriptionToken || !event.messageCampaignId) return undefined;
    const [byToken] = (await this.dataSource.query(
      `SELECT d.id, d.campaign_id FROM campaigns c
         JOIN subscriptions s ON s.token_hash = ? AND s.page_id = c.page_id
         JOIN campaign_deliveries d ON d.campaign_id = c.id AND d.subscription_id = s.id
        WHERE c.meta_campaign_id = ? AND c.page_id = ? LIMIT 1`,
      [hashToken(event.subscriptionToken), event.messageCampaignId, event.pageId],
    )) as Array<{ id: string | number; campaign_id: string }>;
    return byToken ? { id: String(byToken.id), campaignId: byToken.campaign_id } : undefined;
  }
}

/** The stages of a message each webhook proves happened no later than its own time. */
const PROVES: Record<Exclude<MarketingMessageKind, 'delivery_failed'>, readonly string[]> = {
  echo: [],
  delivery: ['delivered_at'],
  read: ['delivered_at', 'read_at'],
  click: ['delivered_at', 'read_at', 'clicked_at'],
};
