import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { OnForbidden, StepType } from '../step-content';

/**
 * One step of a sequence. `content` is the step's JSON (StepContent, placeholders unrendered);
 * `topic_id` is set on MM button steps so "does this sequence ask for topic X" is one indexed query.
 */
@Entity('sequence_steps')
@Index('ux_sequence_steps_position', ['sequenceId', 'position'], { unique: true })
export class SequenceStep {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'sequence_id', type: 'varchar', length: 36 })
  sequenceId!: string;

  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'varchar', length: 24 })
  type!: StepType;

  /** Wait after the previous step finished (0 = at once). */
  @Column({ name: 'delay_seconds', type: 'int' })
  delaySeconds!: number;

  @Column({ name: 'on_forbidden', type: 'varchar', length: 8 })
  onForbidden!: OnForbidden;

  @Column({ name: 'topic_id', type: 'varchar', length: 36, nullable: true })
  topicId!: string | null;

  @Column({ type: 'text' })
  content!: string;
}
