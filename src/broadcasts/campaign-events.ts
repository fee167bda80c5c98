import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AudienceService } from '../audience/audience.service';
import { DomainEvents } from '../integrations/domain-events.service';

interface CampaignFacts {
  shop_id: string;
  page_id: string;
  topic_id: string;
  segment_id: string | null;
  segment_definition: string | null;
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
    private readonly audience: AudienceService,
  ) {}

  /**
   * Started: `recipients` is the campaign's audience as of `startedAt` (the instant the claim wrote): the
   * topic's active subscribers narrowed by its segment, the same predicate the fan-out then walks
   * (AudienceService.campaignAudience), counted in the claim's transaction.
   */
  async started(em: EntityManager, campaignId: string, startedAt: Date): Promise<void> {
    const c = await this.facts(em, campaignId);
    const recipients = await this.audience.countCampaignAudience(
      { topicId: c.topic_id, segmentId: c.segment_id, segmentDefinition: c.segment_definition },
      startedAt,
      em,
    );
    await this.events.publish(
      'campaign.started',
      { shopId: c.shop_id },
      { campaignId, pageId: c.page_id, topicId: c.topic_id, recipients },
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
      'SELECT c.shop_id, c.page_id, c.topic_id, c.segment_id, c.segment_definition, c.sent_count, c.spend, c.currency FROM campaigns c WHERE c.id = ?',
      [campaignId],
    )) as CampaignFacts[];
    if (!row) throw new Error(`campaign ${campaignId} not found`);
    return row;
  }
}
