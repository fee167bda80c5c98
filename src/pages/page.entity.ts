import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { UtcDateColumn } from '../database/columns';

export type PagePlatform = 'facebook' | 'instagram';

/**
 * A Facebook Page or Instagram Professional account, keyed by Meta's own id (webhooks name it, so it is
 * the natural key; one Page belongs to one shop). Tokens are stored encrypted (TokenCipher) and have
 * no field in any response DTO.
 */
@Entity('pages')
@Index('ix_pages_shop', ['shopId'])
export class Page {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'shop_id', type: 'varchar', length: 36 })
  shopId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  platform!: PagePlatform;

  @Column({ name: 'access_token_enc', type: 'text' })
  accessTokenEnc!: string;

  /** Ad account of the business, without the `act_` prefix; needed to broadcast. */
  @Column({ name: 'ad_account_id', type: 'varchar', length: 64, nullable: true })
  adAccountId!: string | null;

  /** System-user token for the Marketing Message API (campaigns, sends, insights). */
  @Column({ name: 'system_user_token_enc', type: 'text', nullable: true })
  systemUserTokenEnc!: string | null;

  /**
   * ISO 4217 code of the ad account's currency (one Meta lists): the currency of the price per message,
   * budgets, estimates and costs. Not the currency orders are written in (that is the shop's).
   */
  @Column({ type: 'varchar', length: 3, default: 'PHP' })
  currency!: string;

  /** Estimated price of one marketing message, in minor units of `currency` (MINOR_UNITS_RULE, src/common/money.ts). */
  @Column({ name: 'price_per_message', type: 'int', default: 0 })
  pricePerMessage!: number;

  /** BCP 47 tag this Page writes to customers in, overriding its shop's; null: the shop's locale. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  locale!: string | null;

  /**
   * IANA time zone of the Page: the local day and time of subscribers whose opt-in reported no zone
   * (or one we do not know). Default Asia/Manila, Asia/Ho_Chi_Minh for a Page billed in VND.
   */
  @Column({ type: 'varchar', length: 64, default: 'Asia/Manila' })
  timezone!: string;

  /**
   * Set on the archived row an earlier shop keeps when another shop registered the Page with a token Meta
   * confirmed (PagesService.create): the row's id is then no Meta id (see archivedPageId), it receives no
   * webhook and has no credentials for Graph calls. Null for a Page the shop holds.
   */
  @UtcDateColumn({ name: 'transferred_at', nullable: true })
  transferredAt!: Date | null;

  @UtcDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UtcDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
