import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/** A Page's ordered list of steps; the steps are rows of `sequence_steps`, replaced as a whole on edit. */
@Entity('sequences')
@Index('ix_sequences_page', ['pageId', 'createdAt'])
export class Sequence {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
