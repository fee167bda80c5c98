import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed';
/**
 * Who started the run: the API (a shop sending by hand), a POS notification rule, a keyword rule, an
 * m.me / ad referral, a tap on a flow button whose run was gone, or a sequence's flow step.
 */
export type RunSource = 'api' | 'pos' | 'keyword' | 'referral' | 'tap' | 'sequence';

/**
 * One dispatch of a sequence, or of a flow version, to one person. A sequence's steps are copied
 * (rendered) into `run_steps` at the start; a flow run's steps are added node by node as it goes
 * (after each step, or on a tap), by FlowSteps.
 */
@Entity('sequence_runs')
@Index('ix_sequence_runs_sequence', ['sequenceId', 'createdAt'])
export class SequenceRun {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The sequence's id, or for a flow run (flowVersion set) the flow's id. */
  @Column({ name: 'sequence_id', type: 'varchar', length: 36 })
  sequenceId!: string;

  /** Set on flow runs: the version of the flow (sequenceId) the run follows, whatever edits come later. */
  @Column({ name: 'flow_version', type: 'int', nullable: true })
  flowVersion!: number | null;

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
