import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export const MATCH_MODES = ['is', 'contains', 'starts_with'] as const;
export type MatchMode = (typeof MATCH_MODES)[number];

/**
 * "When a customer writes one of these phrases to this Page, answer with this flow (or sequence)."
 * Exactly one of flowId and sequenceId is set. A default rule (isDefault) answers messages no other
 * rule matched; its phrases are ignored.
 */
@Entity('keyword_rules')
@Index('ix_keyword_rules_page', ['pageId', 'active'])
export class KeywordRule {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** JSON array of the phrases as the shop wrote them (matching normalises both sides). */
  @Column({ type: 'text' })
  phrases!: string;

  @Column({ name: 'match_mode', type: 'varchar', length: 16 })
  matchMode!: MatchMode;

  @Column({ name: 'flow_id', type: 'varchar', length: 36, nullable: true })
  flowId!: string | null;

  @Column({ name: 'sequence_id', type: 'varchar', length: 36, nullable: true })
  sequenceId!: string | null;

  /** Higher wins when several rules match one message. */
  @Column({ type: 'int' })
  priority!: number;

  @Column({ type: 'boolean' })
  active!: boolean;

  @Column({ name: 'is_default', type: 'boolean' })
  isDefault!: boolean;

  /** After answering a customer, the rule does not answer them again for this long (0: every message). */
  @Column({ name: 'cooldown_seconds', type: 'int' })
  cooldownSeconds!: number;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
