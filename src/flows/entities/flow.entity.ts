import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/** A Page's flow: its name, its m.me / ad `ref`, and which version new runs follow (flow_versions). */
@Entity('flows')
@Index('ix_flows_page', ['pageId', 'createdAt'])
@Index('ux_flows_ref', ['pageId', 'ref'], { unique: true })
export class Flow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The `ref` of an m.me link or ad that starts this flow (messaging_referrals, or Get Started with a referral). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  ref!: string | null;

  @Column({ name: 'current_version', type: 'int' })
  currentVersion!: number;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
