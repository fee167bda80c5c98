import { Entity, PrimaryColumn, Column } from 'typeorm';
import { UtcDateColumn } from '../database/columns';

/** The POS tenant. Everything under /api is scoped to the shop of the calling API key. */
@Entity('shops')
export class Shop {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
