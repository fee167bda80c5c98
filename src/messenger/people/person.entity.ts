import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

/**
 * A person as a Page knows them (PSID on Facebook, IGSID on Instagram). `lastInboundAt` is their last
 * message or postback to the Page: the start of the 24-hour standard messaging window. An opt-in tap
 * does not move it (docs/meta-platform.md §2).
 */
@Entity('people')
export class Person {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  psid!: string;

  @Column({ type: 'varchar', length: 16 })
  platform!: 'facebook' | 'instagram';

  @UtcDateColumn({ name: 'first_seen_at' })
  firstSeenAt!: Date;

  @UtcDateColumn({ name: 'last_inbound_at', nullable: true })
  lastInboundAt!: Date | null;
}
