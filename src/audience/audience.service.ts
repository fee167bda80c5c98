import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { ValidationFailed } from '../common/http-error.filter';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { audienceWhere, countAudience, countWhere, WHOLE_TOPIC } from './audience-count';
import { Segment } from './entities/segment.entity';
import { checkSegmentDefinition, normaliseTag, type SegmentDefinition } from './segment-definition';
import { segmentPredicate, type SqlPredicate } from './segment-sql';
import type { CustomerResponse } from './dto/audience.dto';

/** A campaign's (or a count's) choice of audience: a saved segment, inline conditions, or the whole topic. */
export interface AudienceChoice {
  segmentId?: string | null;
  segment?: Record<string, unknown> | null;
}

/** The choice checked: the segment's id (if saved) and the definition in force (null: the whole topic). */
export interface ResolvedAudience {
  segmentId: string | null;
  definition: SegmentDefinition | null;
}

/** What of a campaign its audience depends on (the campaign row's fields). */
export interface CampaignAudienceRef {
  topicId: string;
  segmentId: string | null;
  /** Inline conditions (JSON of a SegmentDefinition); they win over segmentId. */
  segmentDefinition: string | null;
}

/** Campaigns in these states still take their audience from their segment: it cannot be deleted under them. */
const LIVE_CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused'];

/**
 * Saved segments, customer tags, and the audience: a topic's active subscribers narrowed by a segment,
 * counted by the database (one COUNT with EXISTS lookups on primary keys; see segmentPredicate).
 */
@Injectable()
export class AudienceService {
  private readonly segments: Repository<Segment>;
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly clock: Clock,
  ) {
    this.segments = dataSource.getRepository(Segment);
    this.dialect = new SqlDialect(dataSource);
  }

  /** Errors: 400 naming `definition.…` for a bad condition; 404 `pageId`. */
  async createSegment(shopId: string, pageId: string, dto: { name: string; definition: Record<string, unknown> }): Promise<Segment> {
    await this.pages.getForShop(shopId, pageId);
    const definition = checked(dto.definition, 'definition');
    const now = this.clock.now();
    const segment: Segment = {
      id: randomUUID(),
      shopId,
      pageId,
      name: dto.name,
      definition: JSON.stringify(definition),
      createdAt: now,
      updatedAt: now,
    };
    await this.segments.insert(segment);
    return segment;
  }

  async listSegments(shopId: string, pageId: string): Promise<Segment[]> {
    await this.pages.getForShop(shopId, pageId);
    return this.segments.find({ where: { shopId, pageId }, order: { createdAt: 'DESC' }, take: 500 });
  }

  /** 404 naming `field` when the segment is not one of this Page's. */
  async getSegment(shopId: string, pageId: string, id: string, field = 'id'): Promise<Segment> {
    const segment = await this.segments.findOne({ where: { id, shopId, pageId } });
    if (!segment) throw notFound('Segment', field);
    return segment;
  }

  async updateSegment(
    shopId: string,
    pageId: string,
    id: string,
    dto: { name?: string; definition?: Record<string, unknown> },
  ): Promise<Segment> {
    const segment = await this.getSegment(shopId, pageId, id);
    if (dto.definition !== undefined) segment.definition = JSON.stringify(checked(dto.definition, 'definition'));
    if (dto.name !== undefined) segment.name = dto.name;
    segment.updatedAt = this.clock.now();
    await this.segments.update({ id }, { name: segment.name, definition: segment.definition, updatedAt: segment.updatedAt });
    return segment;
  }

  /** 409 `segment_in_use` while a campaign that has not finished takes its audience from it. */
  async deleteSegment(shopId: string, pageId: string, id: string): Promise<void> {
    await this.getSegment(shopId, pageId, id);
    const [used] = (await this.dataSource.query(
      `SELECT id FROM campaigns WHERE segment_id = ? AND status IN (${LIVE_CAMPAIGN_STATUSES.map(() => '?').join(', ')}) LIMIT 1`,
      [id, ...LIVE_CAMPAIGN_STATUSES],
    )) as Array<{ id: string }>;
    if (used) throw new DomainError(409, 'segment_in_use', 'A campaign that has not finished uses this segment', { campaignId: used.id });
    await this.segments.delete({ id });
  }

  /**
   * Checks an audience choice of a Page: 400 naming `segmentId`/`segment` when both are given or the
   * inline conditions are wrong (`segment.conditions.0.days`…), 404 `segmentId` for another Page's segment.
   */
  async resolve(shopId: string, pageId: string, choice: AudienceChoice): Promise<ResolvedAudience> {
    const hasId = choice.segmentId !== undefined && choice.segmentId !== null;
    const hasInline = choice.segment !== undefined && choice.segment !== null;
    if (hasId && hasInline)
      throw new ValidationFailed([
        { field: 'segment', rule: 'exclusive', message: 'give either segmentId or segment (inline conditions), not both' },
      ]);
    if (hasInline) return { segmentId: null, definition: checked(choice.segment, 'segment') };
    if (!hasId) return { segmentId: null, definition: null };
    const segment = await this.getSegment(shopId, pageId, choice.segmentId!, 'segmentId');
    return { segmentId: segment.id, definition: JSON.parse(segment.definition) as SegmentDefinition };
  }

  /**
   * A campaign's audience at `at` as one predicate over `subscriptions` (audienceWhere): the topic's active
   * subscribers narrowed by its inline conditions, else its saved segment's current definition (the audience
   * is fixed when the fan-out walks it), else the whole topic. What the fan-out inserts, the estimate counts
   * and `campaign.started` announces. `em`: read the saved segment inside the caller's transaction.
   */
  async campaignAudience(campaign: CampaignAudienceRef, at: Date, em?: EntityManager): Promise<SqlPredicate> {
    return audienceWhere(campaign.topicId, await this.campaignSegment(campaign, at, em), at, this.dialect);
  }

  /** How many the campaign's audience at `at` is (campaignAudience), counted through `em` when given. */
  async countCampaignAudience(campaign: CampaignAudienceRef, at: Date, em?: EntityManager): Promise<number> {
    return countWhere(em ?? this.dataSource, await this.campaignAudience(campaign, at, em));
  }

  private async campaignSegment(campaign: CampaignAudienceRef, at: Date, em?: EntityManager): Promise<SqlPredicate> {
    const definition = (json: string): SqlPredicate => segmentPredicate(JSON.parse(json) as SegmentDefinition, at, this.dialect);
    if (campaign.segmentDefinition) return definition(campaign.segmentDefinition);
    if (!campaign.segmentId) return WHOLE_TOPIC;
    const [segment] = (await (em ?? this.dataSource).query('SELECT definition FROM segments WHERE id = ?', [campaign.segmentId])) as Array<{
      definition: string;
    }>;
    // A segment cannot be deleted under a live campaign (deleteSegment); if it is gone anyway, nobody matches.
    return segment ? definition(segment.definition) : { sql: '1 = 0', params: [] };
  }

  /**
   * The topic's active subscribers (status active, token not expired) that match, counted now by one
   * SQL COUNT. Errors: those of resolve(); 404 `topicId`.
   */
  async count(
    shopId: string,
    pageId: string,
    topicId: string,
    choice: AudienceChoice,
  ): Promise<{ count: number; segmentId: string | null; at: Date }> {
    await this.pages.getForShop(shopId, pageId);
    await this.topics.getForPage(pageId, topicId);
    const { segmentId, definition } = await this.resolve(shopId, pageId, choice);
    const at = this.clock.now();
    return { count: await this.countTopic(topicId, definition, at), segmentId, at };
  }

  /** The COUNT itself (countAudience). */
  countTopic(topicId: string, definition: SegmentDefinition | null, at: Date): Promise<number> {
    return countAudience(this.dataSource, topicId, definition, at);
  }

  /** Replaces the customer's tags (lower-cased, deduplicated) in one transaction. */
  async setTags(shopId: string, pageId: string, psid: string, tags: string[]): Promise<string[]> {
    await this.pages.getForShop(shopId, pageId);
    // SetTagsDto has refused blank tags, so none normalises to ''.
    const wanted = [...new Set(tags.map(normaliseTag))];
    const now = this.dialect.time(this.clock.now());
    await this.dataSource.transaction(async (em) => {
      await em.query('DELETE FROM customer_tags WHERE page_id = ? AND psid = ?', [pageId, psid]);
      if (wanted.length > 0)
        await em.query(
          `INSERT INTO customer_tags (page_id, psid, tag, created_at) VALUES ${wanted.map(() => '(?, ?, ?, ?)').join(', ')}`,
          wanted.flatMap((tag) => [pageId, psid, tag, now]),
        );
    });
    return wanted.sort();
  }

  /** The customer's order summary and tags. */
  async customer(shopId: string, pageId: string, psid: string): Promise<CustomerResponse> {
    await this.pages.getForShop(shopId, pageId);
    const [summary] = (await this.dataSource.query(
      `SELECT orders_count, total_spent, currency, first_order_at, last_order_at, last_order_id, last_status
         FROM customer_order_summaries WHERE page_id = ? AND psid = ?`,
      [pageId, psid],
    )) as Array<Record<string, unknown>>;
    const tags = (await this.dataSource.query('SELECT tag FROM customer_tags WHERE page_id = ? AND psid = ? ORDER BY tag', [
      pageId,
      psid,
    ])) as Array<{ tag: string }>;
    const iso = (v: unknown): string | null => SqlDialect.parseOptionalTime(v)?.toISOString() ?? null;
    return {
      pageId,
      psid,
      orders: summary
        ? {
            ordersCount: Number(summary.orders_count),
            totalSpent: Number(summary.total_spent),
            currency: String(summary.currency),
            firstOrderAt: iso(summary.first_order_at),
            lastOrderAt: iso(summary.last_order_at),
            lastOrderId: (summary.last_order_id as string | null) ?? null,
            lastStatus: (summary.last_status as string | null) ?? null,
          }
        : null,
      tags: tags.map((t) => t.tag),
    };
  }
}

function checked(input: unknown, path: string): SegmentDefinition {
  const result = checkSegmentDefinition(input, path);
  if ('problems' in result) throw new ValidationFailed(result.problems);
  return result.definition;
}
