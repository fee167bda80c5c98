import { Entity, PrimaryColumn, Column } from 'typeorm';
import { UtcDateColumn } from '../database/columns';

/** A new shop's settings (and those of shops that existed before them; see the migration 1764000012000). */
export const DEFAULT_SHOP_LOCALE = 'en-PH';
export const DEFAULT_SHOP_CURRENCY = 'PHP';

/** The POS tenant. Everything under /api is scoped to the shop of the calling API key. */
@Entity('shops')
export class Shop {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /**
   * BCP 47 tag (canonical form) the shop writes to its customers in: how order totals and prices are
   * written in messages (`vi-VN`: `1.250.000 ₫`). A Page may override it (Page.locale).
   */
  @Column({ type: 'varchar', length: 35, default: DEFAULT_SHOP_LOCALE })
  locale!: string;

  /** ISO 4217 code (capitals) the shop sells in: the currency of an order that names none. */
  @Column({ type: 'varchar', length: 3, default: DEFAULT_SHOP_CURRENCY })
  currency!: string;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
