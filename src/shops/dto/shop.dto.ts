import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsName } from '../../common/validators';
import { IsCurrencyCode, IsLocale } from '../../common/money-validation';
import type { Shop } from '../shop.entity';

const LOCALE_DOC =
  "BCP 47 language tag (RFC 5646) the shop writes to customers in; order totals and prices in messages are formatted for it with ICU (vi-VN: '1.250.000 ₫', en-PH: '₱1,250.00'). Stored canonical (vi-vn → vi-VN).";
const CURRENCY_DOC =
  'ISO 4217 code, in capitals, the shop sells in: the currency of an order event that names none. Lowercase or unknown codes are a 400.';

/** The calling key's shop: what may change. Omitted fields stay as they are. */
export class UpdateShopDto {
  @ApiPropertyOptional({ example: 'Sài Gòn Threads' })
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ description: LOCALE_DOC, example: 'vi-VN' })
  @IsOptional()
  @IsLocale()
  locale?: string;

  @ApiPropertyOptional({ description: CURRENCY_DOC, example: 'VND' })
  @IsOptional()
  @IsCurrencyCode()
  currency?: string;
}

/** What the API says of a shop (its API keys have no field). */
export class ShopResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: LOCALE_DOC, example: 'en-PH' }) locale!: string;
  @ApiProperty({ description: CURRENCY_DOC, example: 'PHP' }) currency!: string;
  @ApiProperty() createdAt!: string;

  static of(shop: Shop): ShopResponse {
    return { id: shop.id, name: shop.name, locale: shop.locale, currency: shop.currency, createdAt: shop.createdAt.toISOString() };
  }
}
