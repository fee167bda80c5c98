import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export type TopicCtaText = 'ALLOW' | 'GET' | 'GET_UPDATES' | 'OPT_IN' | 'SIGN_UP';
export type ImageAspectRatio = 'HORIZONTAL' | 'SQUARE';

/**
 * A marketing-messages topic of a Page: what the opt-in request shows (title, image, CTA) and the
 * payload Meta echoes in the opt-in webhook, by which we match a token to its topic.
 */
@Entity('topics')
@Index('ux_topics_payload', ['pageId', 'payload'], { unique: true })
@Index('ux_topics_active_title', ['pageId', 'activeTitle'], { unique: true })
export class Topic {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  /** Shown to the person; Meta's limit is 65 characters. */
  @Column({ type: 'varchar', length: 65 })
  title!: string;

  @Column({ name: 'image_url', type: 'varchar', length: 1000, nullable: true })
  imageUrl!: string | null;

  @Column({ name: 'image_aspect_ratio', type: 'varchar', length: 16, nullable: true })
  imageAspectRatio!: ImageAspectRatio | null;

  @Column({ type: 'varchar', length: 255 })
  payload!: string;

  @Column({ name: 'cta_text', type: 'varchar', length: 16, nullable: true })
  ctaText!: TopicCtaText | null;

  @Column({ type: 'boolean' })
  active!: boolean;

  /** Archived topics keep their subscriptions and history but are no longer offered. */
  @UtcDateColumn({ name: 'archived_at', nullable: true })
  archivedAt!: Date | null;

  /**
   * `title` while the topic is active and not archived, else NULL. The unique (page_id, active_title)
   * index is what keeps titles unique among a Page's active topics (NULLs never collide).
   */
  @Column({ name: 'active_title', type: 'varchar', length: 65, nullable: true })
  activeTitle!: string | null;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
