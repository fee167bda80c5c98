import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * `reserved`: written (under the person's lock) before the Graph call, so a concurrent request sees it;
 * `sent`: Meta accepted it; `failed`: Meta refused it, or it never left (`errorKind: 'local_error'`: the
 * builder refused it, or a bug); the row keeps the reason and no longer counts toward the limits, except
 * a Page restriction, which the policy reads from here.
 */
export type OptinRequestStatus = 'reserved' | 'sent' | 'failed';

/** Who asked for the opt-in request: the API, a sequence step (a POS rule's too, via its sequence), or a flow's MM button node. */
export type OptinRequestSource = 'api' | 'sequence' | 'flow';

/** Every opt-in request the plugin sent or tried: the history the limits are computed from. */
@Entity('optin_requests')
@Index('ix_optin_requests_person', ['pageId', 'psid', 'createdAt'])
export class OptinRequest {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ type: 'varchar', length: 64 })
  psid!: string;

  @Column({ name: 'topic_id', type: 'varchar', length: 36 })
  topicId!: string;

  /** As sent: a later edit of the topic does not rewrite history. */
  @Column({ type: 'varchar', length: 65 })
  title!: string;

  @Column({ name: 'image_url', type: 'varchar', length: 1000, nullable: true })
  imageUrl!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OptinRequestStatus;

  @Column({ type: 'varchar', length: 16 })
  source!: OptinRequestSource;

  /** The caller's reference (a sequence run step id, for instance), for per-rule statistics. */
  @Column({ name: 'source_ref', type: 'varchar', length: 64, nullable: true })
  sourceRef!: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 128, nullable: true })
  messageId!: string | null;

  /** The Graph error kind when Meta refused it; `local_error` when it was never sent (see OptinService). */
  @Column({ name: 'error_kind', type: 'varchar', length: 64, nullable: true })
  errorKind!: string | null;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'sent_at', nullable: true })
  sentAt!: Date | null;
}
