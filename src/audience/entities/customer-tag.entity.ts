import { Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/** A tag the POS set on a customer of a Page (lower-case), for segments. */
@Entity('customer_tags')
@Index('ix_customer_tags_tag', ['pageId', 'tag'])
export class CustomerTag {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  psid!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  tag!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
