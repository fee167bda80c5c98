import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import slugify from 'slugify';
import { DataSource, type Repository } from 'typeorm';
import { fitMetaText, META_TEXT_LIMITS, normaliseMetaText } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/domain-error';
import { SqlDialect } from '../database/sql-dialect';
import { PagesService } from '../pages/pages.service';
import type { CreateTopicDto, TopicCounts, UpdateTopicDto } from './dto/topic.dto';
import { Topic } from './entities/topic.entity';
import { countSubscribersByTopic, noSubscribers } from './topic-counts';

const SLUG_MAX = 40;

/**
 * The readable ASCII part of a payload derived from a title: `Hàng mới về` → `hang-moi-ve`, `Đồ đẹp` →
 * `do-dep` (slugify's `vi` locale maps Đ/đ to D/d; its default map says "dj"), Tagalog as it is.
 * A title with nothing to keep (emoji only, a script slugify does not transliterate) gives `topic`.
 */
export function titleSlug(title: string): string {
  const slug = slugify(normaliseMetaText(title), { lower: true, strict: true, locale: 'vi', trim: true });
  if (slug.length <= SLUG_MAX) return slug || 'topic';
  // Cut at the last whole word that fits; a single long word is cut where it must.
  const head = slug.slice(0, SLUG_MAX + 1);
  return head.includes('-') ? head.replace(/-[^-]*$/, '') : slug.slice(0, SLUG_MAX);
}

@Injectable()
export class TopicsService {
  private readonly topics: Repository<Topic>;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly clock: Clock,
  ) {
    this.topics = dataSource.getRepository(Topic);
  }

  async create(shopId: string, pageId: string, dto: CreateTopicDto): Promise<Topic> {
    await this.pages.getForShop(shopId, pageId);
    const now = this.clock.now();
    const active = dto.active ?? true;
    const topic = this.topics.create({
      id: randomUUID(),
      pageId,
      title: dto.title,
      imageUrl: dto.imageUrl ?? null,
      imageAspectRatio: dto.imageAspectRatio ?? null,
      payload: dto.payload ?? `mm:${titleSlug(dto.title)}:${randomUUID().slice(0, 8)}`,
      ctaText: dto.ctaText ?? null,
      active,
      archivedAt: null,
      activeTitle: active ? dto.title : null,
      createdAt: now,
      updatedAt: now,
    });
    await this.insertOrExplain(() => this.topics.insert(topic));
    return topic;
  }

  async list(shopId: string, pageId: string): Promise<Array<{ topic: Topic; counts: TopicCounts }>> {
    await this.pages.getForShop(shopId, pageId);
    const topics = await this.topics.find({ where: { pageId }, order: { createdAt: 'ASC' } });
    const counts = await countSubscribersByTopic(this.dataSource, pageId, this.clock.now());
    return topics.map((topic) => ({ topic, counts: counts.get(topic.id) ?? noSubscribers() }));
  }

  async getWithCounts(shopId: string, pageId: string, topicId: string): Promise<{ topic: Topic; counts: TopicCounts }> {
    await this.pages.getForShop(shopId, pageId);
    const topic = await this.getForPage(pageId, topicId);
    const counts = await countSubscribersByTopic(this.dataSource, pageId, this.clock.now());
    return { topic, counts: counts.get(topic.id) ?? noSubscribers() };
  }

  /** A topic of that Page (the caller has checked the Page belongs to its shop), or 404. */
  async getForPage(pageId: string, topicId: string): Promise<Topic> {
    const topic = await this.topics.findOne({ where: { id: topicId, pageId } });
    if (!topic) throw notFound('Topic', 'topicId');
    return topic;
  }

  async update(shopId: string, pageId: string, topicId: string, dto: UpdateTopicDto): Promise<Topic> {
    await this.pages.getForShop(shopId, pageId);
    const topic = await this.getForPage(pageId, topicId);
    if (topic.archivedAt) throw new DomainError(409, 'topic_archived', 'An archived topic cannot be changed');
    Object.assign(topic, {
      title: dto.title ?? topic.title,
      imageUrl: dto.imageUrl ?? topic.imageUrl,
      imageAspectRatio: dto.imageAspectRatio ?? topic.imageAspectRatio,
      payload: dto.payload ?? topic.payload,
      ctaText: dto.ctaText ?? topic.ctaText,
      active: dto.active ?? topic.active,
      updatedAt: this.clock.now(),
    });
    topic.activeTitle = topic.active ? topic.title : null;
    const { id, pageId: _page, createdAt: _created, ...changes } = topic;
    await this.insertOrExplain(() => this.topics.update({ id }, changes));
    return topic;
  }

  /** Archived topics keep their subscribers and history; they are no longer offered or counted as active titles. */
  async archive(shopId: string, pageId: string, topicId: string): Promise<Topic> {
    await this.pages.getForShop(shopId, pageId);
    const topic = await this.getForPage(pageId, topicId);
    const now = this.clock.now();
    await this.topics.update({ id: topicId }, { active: false, activeTitle: null, archivedAt: topic.archivedAt ?? now, updatedAt: now });
    return { ...topic, active: false, activeTitle: null, archivedAt: topic.archivedAt ?? now, updatedAt: now };
  }

  /** Hard delete only for a topic nobody was ever asked about; otherwise archive it. */
  async remove(shopId: string, pageId: string, topicId: string): Promise<void> {
    await this.pages.getForShop(shopId, pageId);
    await this.getForPage(pageId, topicId);
    const [{ n }] = (await this.dataSource.query(
      'SELECT (SELECT COUNT(*) FROM subscriptions WHERE topic_id = ?) + (SELECT COUNT(*) FROM optin_requests WHERE topic_id = ?) AS n',
      [topicId, topicId],
    )) as Array<{ n: number | string }>;
    if (Number(n) > 0) {
      throw new DomainError(
        409,
        'topic_has_history',
        'This topic has subscribers or opt-in history: archive it instead (POST .../archive)',
      );
    }
    await this.topics.delete({ id: topicId });
  }

  /** The topic an opt-in webhook names: by payload, else an active topic with that title. */
  async findForOptin(pageId: string, payload: string | undefined, title: string | undefined): Promise<Topic | null> {
    if (payload) {
      const byPayload = await this.topics.findOne({ where: { pageId, payload } });
      if (byPayload) return byPayload;
    }
    return title ? this.topics.findOne({ where: { pageId, activeTitle: normaliseMetaText(title) } }) : null;
  }

  /**
   * A topic for subscribers Meta knows of but we never asked (import, or an opt-in sent by another tool):
   * matched by title, else created inactive so the shop sees them and decides.
   */
  async findOrCreateForTitle(pageId: string, metaTitle: string, payload?: string): Promise<Topic> {
    // Meta's title may come from another tool, in any normal form: stored and matched like the shop's own.
    const title = fitMetaText(metaTitle, META_TEXT_LIMITS.optinTitle);
    const existing =
      (payload ? await this.topics.findOne({ where: { pageId, payload } }) : null) ??
      (await this.topics.findOne({ where: { pageId, title }, order: { createdAt: 'ASC' } }));
    if (existing) return existing;
    const now = this.clock.now();
    const topic = this.topics.create({
      id: randomUUID(),
      pageId,
      title,
      imageUrl: null,
      imageAspectRatio: null,
      payload: payload ?? `imported:${titleSlug(title)}:${randomUUID().slice(0, 8)}`,
      ctaText: null,
      active: false,
      archivedAt: null,
      activeTitle: null,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.topics.insert(topic);
      return topic;
    } catch (error) {
      // Two webhooks for the same unknown payload at once: the other one created it.
      if (SqlDialect.isDuplicateKey(error) && payload) return (await this.topics.findOne({ where: { pageId, payload } }))!;
      throw error;
    }
  }

  private async insertOrExplain(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!SqlDialect.isDuplicateKey(error)) throw error;
      const message = String((error as Error).message);
      if (message.includes('payload'))
        throw new DomainError(409, 'topic_payload_taken', 'Another topic of this Page has that payload', { field: 'payload' });
      throw new DomainError(409, 'topic_title_taken', 'Another active topic of this Page has that title', { field: 'title' });
    }
  }
}
