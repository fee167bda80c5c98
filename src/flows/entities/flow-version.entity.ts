import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/** One version of a flow's graph (FlowGraph as JSON). Written once, never changed: runs and taps read it by number. */
@Entity('flow_versions')
export class FlowVersion {
  @PrimaryColumn({ name: 'flow_id', type: 'varchar', length: 36 })
  flowId!: string;

  @PrimaryColumn({ type: 'int' })
  version!: number;

  @Column({ type: 'text' })
  graph!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
