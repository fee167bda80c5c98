import { Entity, Index, PrimaryColumn } from 'typeorm';

export type PurchaseKind = 'item' | 'category';

/** An item name or category a customer bought (lower-cased, trimmed), for "bought item or category". */
@Entity('customer_purchases')
@Index('ix_customer_purchases_value', ['pageId', 'kind', 'value'])
export class CustomerPurchase {
  @PrimaryColumn({ name: 'page_id', type: 'varchar', length: 64 })
  pageId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  psid!: string;

  @PrimaryColumn({ type: 'varchar', length: 8 })
  kind!: PurchaseKind;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  value!: string;
}
