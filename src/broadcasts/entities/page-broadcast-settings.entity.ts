import { Column, Entity, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../../database/columns';

export const DEFAULT_BROADCAST_SETTINGS = { periodHours: 24, ratePerSecond: 100, concurrency: 16 } as const;

/** How a Page broadcasts. A Page without a row uses DEFAULT_BROADCAST_SETTINGS. */
@Entity('page_broadcast_settings')
export class PageBroadcastSettings {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  /** At most one marketing message per subscriber per this many hours, across all campaigns. */
  @Column({ name: 'period_hours', type: 'int', default: DEFAULT_BROADCAST_SETTINGS.periodHours })
  periodHours!: number;

  /** Sends per second for the Page, shared by every worker process; 0 turns throttling off. */
  @Column({ name: 'rate_per_second', type: 'int', default: DEFAULT_BROADCAST_SETTINGS.ratePerSecond })
  ratePerSecond!: number;

  /** Sends in flight at once per worker process for this Page. */
  @Column({ type: 'int', default: DEFAULT_BROADCAST_SETTINGS.concurrency })
  concurrency!: number;

  /** Wall-clock ms up to which send slots are reserved (see PagePacer). */
  @Column({ name: 'pace_slot_ms', type: 'bigint', default: 0 })
  paceSlotMs!: string;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
