import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { MessengerEvents, type MarketingMessageEvent } from '../messenger/events/messenger-events';
import { OnMessengerEvent } from '../messenger/events/on-messenger-event';
import { hashToken } from '../optins/subscriptions.service';

/**
 * The marketing_message_* webhooks update the delivery rows, and are also the reconciliation of
 * `uncertain` rows: an echo or a delivery for a row we could not confirm proves it was sent. A row is
 * found by tracking id, else by subscription token + Meta's campaign id (the unique
 * (campaign_id, subscription_id) key names one row). Every update is idempotent (Meta redelivers).
 */
@Injectable()
export class MarketingWebhooksListener {
  private readonly logger = new Logger(MarketingWebhooksListener.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    switch (event.kind) {
      case 'echo':
      case 'delivery': {
        // Proof of a send: an uncertain (or still leased) row is settled as sent, counted once.
        const settled = await SqlDialect.execute(
          this.dataSource,
          `UPDATE campaign_deliveries SET status = 'sent', tracking_id = COALESCE(tracking_id, ?), sent_at = COALESCE(sent_at, ?), reason = NULL,
             lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND status IN ('uncertain', 'sending')`,
          [event.trackingId ?? null, at, now, row.id],
        );
        if (settled === 1) {
          await this.dataSource.query(
            'UPDATE campaigns SET sent_count = sent_count + 1, spend = spend + price_per_message, updated_at = ? WHERE id = ?',
            [now, row.campaignId],
          );
          this.logger.log({ msg: 'uncertain delivery settled as sent', deliveryId: row.id, by: event.kind });
        }
        if (event.kind === 'delivery') {
          await this.dataSource.query(
            'UPDATE campaign_deliveries SET delivered_at = COALESCE(delivered_at, ?), updated_at = ? WHERE id = ?',
            [at, now, row.id],
          );
        }
        return;
      }
      case 'read':
        await this.dataSource.query(
          'UPDATE campaign_deliveries SET read_at = COALESCE(read_at, ?), delivered_at = COALESCE(delivered_at, ?), updated_at = ? WHERE id = ?',
          [at, at, now, row.id],
        );
        return;
      case 'click':
        await this.dataSource.query('UPDATE campaign_deliveries SET clicked_at = COALESCE(clicked_at, ?), updated_at = ? WHERE id = ?', [
          at,
          now,
          row.id,
        ]);
        return;
      case 'delivery_failed':
        await this.dataSource.query(
          `UPDATE campaign_deliveries SET status = 'failed', reason = 'delivery_failed', error_message = ?, updated_at = ? WHERE id = ? AND status IN ('sent', 'uncertain', 'sending')`,
          [(event.errorMessage ?? 'Meta reported the delivery failed').slice(0, 1000), now, row.id],
        );
        return;
    }
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
