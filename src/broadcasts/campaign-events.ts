import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { DomainEvents } from '../integrations/domain-events.service';

interface CampaignFacts {
  shop_id: string;
  page_id: string;
  topic_id: string;
  sent_count: number | string;
  spend: number | string;
  currency: string;
}

/**
 * The campaign.* domain events, each published through the transaction (`em`) of the conditional UPDATE
 * that moved the campaign, and only when that UPDATE changed it (so one event per move, across processes).
 */
@Injectable()
export class CampaignEvents {
  constructor(
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  /** Started: `recipients` is the topic's active subscribers at the start (the audience the fan-out takes). */
  async started(em: EntityManager, campaignId: string): Promise<void> {
    const c = await this.facts(em, campaignId);
    const [count] = (await em.query(
      `SELECT COUNT(*) AS n FROM subscriptions WHERE topic_id = ? AND status = 'active' AND (token_expires_at IS NULL OR token_expires_at > ?)`,
      [c.topic_id, new SqlDialect(em).time(this.clock.now())],
    )) as Array<{ n: number | string }>;
    await this.events.publish(
      'campaign.started',
      { shopId: c.shop_id },
      { campaignId, pageId: c.page_id, topicId: c.topic_id, recipients: Number(count?.n ?? 0) },
      em,
    );
  }

  /** Paused, with the stable reason code (paused_by_shop, budget_reached, ...). */
  async paused(em: EntityManager, campaignId: string, reason: string): Promise<void> {
    const c = await this.facts(em, campaignId);
    await this.events.publish('campaign.paused', { shopId: c.shop_id }, { campaignId, pageId: c.page_id, topicId: c.topic_id, reason }, em);
  }

  /** Completed: the final counts of its delivery rows and its cost (minor units of `currency`). */
  async completed(em: EntityManager, campaignId: string): Promise<void> {
    const c = await this.facts(em, campaignId);
    const counts = (await em.query(
      `SELECT status, COUNT(*) AS n FROM campaign_deliveries WHERE campaign_id = ? AND status IN ('failed', 'skipped') GROUP BY status`,
      [campaignId],
    )) as Array<{ status: string; n: number | string }>;
    const count = (status: string): number => Number(counts.find((r) => r.status === status)?.n ?? 0);
    await this.events.publish(
      'campaign.completed',
      { shopId: c.shop_id },
      {
        campaignId,
        pageId: c.page_id,
        topicId: c.topic_id,
        sent: Number(c.sent_count),
        failed: count('failed'),
        skipped: count('skipped'),
        costMinor: Number(c.spend),
        currency: c.currency,
      },
      em,
    );
  }

  private async facts(em: EntityManager, campaignId: string): Promise<CampaignFacts> {
    const [row] = (await em.query(
      'SELECT c.shop_id, c.page_id, c.topic_id, c.sent_count, c.spend, c.currency FROM campaigns c WHERE c.id = ?',
      [campaignId],
    )) as CampaignFacts[];
    if (!row) throw new Error(`campaign ${campaignId} not found`);
    return row;
  }
}
