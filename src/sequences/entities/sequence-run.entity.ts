import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed';
/** Who started the run: the API (a shop sending by hand) or a POS notification rule. */
export type RunSource = 'api' | 'pos';

/** One dispatch of a sequence to one person. Its steps are copied (rendered) into `run_steps`. */
@Entity('sequence_runs')
@Index('ix_sequence_runs_sequence', ['sequenceId', 'createdAt'])
export class SequenceRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'sequence_id', type: 'varchar', length: 36 })
  sequenceId!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ type: 'varchar', length: 64 })
  psid!: string;

  @Column({ type: 'varchar', length: 16 })
  source!: RunSource;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** Why a run ended early: the rule that stopped it, or the error that failed it. */
  @Column({ name: 'end_reason', type: 'varchar', length: 200, nullable: true })
  endReason!: string | null;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
