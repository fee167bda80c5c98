import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsName } from '../../common/validators';
import { MINOR_UNITS_RULE } from '../../common/money';
import { IsLocale, IsMetaCurrency, IsMinorUnits } from '../../common/money-validation';
import { IsTimeZone } from '../../common/time-zone.validator';
import type { Page, PagePlatform } from '../page.entity';

const CURRENCY_DOC =
  "ISO 4217 code, in capitals, of the Page's ad account as Meta lists it (https://developers.facebook.com/docs/marketing-api/currencies): the currency of pricePerMessage and of campaign budgets, estimates and costs. Default: the shop's currency when Meta lists it, else PHP";
const PRICE_DOC = `Estimated price of one marketing message in the Page's currency: ${MINOR_UNITS_RULE}`;
const LOCALE_DOC =
  "BCP 47 tag this Page writes to customers in (order totals and prices in messages), overriding the shop's locale; null: the shop's";

export class CreatePageDto {
  @ApiProperty({ description: "Meta's id of the Facebook Page or Instagram Professional account", example: '104857361234567' })
  @Matches(/^\d{5,30}$/, { message: 'id must be the numeric id Meta gives the Page' })
  id!: string;

  @ApiProperty({ example: 'Summer Shop PH' })
  @IsName(200)
  name!: string;

  @ApiProperty({ enum: ['facebook', 'instagram'] })
  @IsIn(['facebook', 'instagram'])
  platform!: PagePlatform;

  @ApiProperty({ description: 'Page access token (stored encrypted, never returned)', writeOnly: true })
  @IsString()
  @Length(10, 1000)
  accessToken!: string;

  @ApiPropertyOptional({ description: 'Ad account id for the Marketing Message API, with or without act_' })
  @IsOptional()
  @Matches(/^(act_)?\d{5,30}$/, { message: 'adAccountId must be a numeric ad account id, optionally prefixed act_' })
  adAccountId?: string;

  @ApiPropertyOptional({ description: 'System-user token for campaigns and sends (stored encrypted, never returned)', writeOnly: true })
  @IsOptional()
  @IsString()
  @Length(10, 1000)
  systemUserToken?: string;

  @ApiPropertyOptional({ description: CURRENCY_DOC, example: 'PHP', default: 'PHP' })
  @ValidateIf((_, value) => value !== undefined) // not IsOptional: null is no currency, refused
  @IsMetaCurrency()
  currency?: string;

  @ApiPropertyOptional({ description: PRICE_DOC, example: 120, default: 0 })
  @ValidateIf((_, value) => value !== undefined)
  @IsMinorUnits()
  @Min(0)
  @Max(1_000_000)
  pricePerMessage?: number;

  @ApiPropertyOptional({ description: LOCALE_DOC, example: 'fil-PH', nullable: true, type: String })
  @IsOptional() // null clears the override
  @IsLocale()
  locale?: string | null;
  @ApiPropertyOptional({
    description:
      'IANA time zone of the Page (https://www.iana.org/time-zones): the local day and time of subscribers whose opt-in reported no zone. Default: Asia/Ho_Chi_Minh when currency is VND, else Asia/Manila',
    example: 'Asia/Manila',
  })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

/** Omitted fields stay as they are; null is refused (400 naming the field) except for `locale`, where it means "the shop's". */
export class UpdatePageDto extends PartialType(OmitType(CreatePageDto, ['id'] as const), { skipNullProperties: false }) {}

/** What the API says of a Page: never a token, only whether one is set. */
export class PageResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['facebook', 'instagram'] }) platform!: PagePlatform;
  @ApiProperty({ nullable: true, type: String }) adAccountId!: string | null;
  @ApiProperty() hasSystemUserToken!: boolean;
  @ApiProperty({ description: CURRENCY_DOC }) currency!: string;
  @ApiProperty({ description: PRICE_DOC }) pricePerMessage!: number;
  @ApiProperty({ description: LOCALE_DOC, nullable: true, type: String }) locale!: string | null;
  @ApiProperty({ description: 'IANA time zone of the Page', example: 'Asia/Manila' }) timezone!: string;
  @ApiProperty({
    description:
      'When another shop registered this Page with a token Meta confirmed: this row is then the archive of your history with it (its id is no longer the Meta id, it receives no webhooks and makes no Graph calls). Null while you hold the Page.',
    nullable: true,
    type: String,
  })
  transferredAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(page: Page): PageResponse {
    return {
      id: page.id,
      name: page.name,
      platform: page.platform,
      adAccountId: page.adAccountId,
      hasSystemUserToken: page.systemUserTokenEnc !== null,
      currency: page.currency,
      pricePerMessage: page.pricePerMessage,
      locale: page.locale,
      timezone: page.timezone,
      transferredAt: page.transferredAt?.toISOString() ?? null,
      createdAt: page.createdAt.toISOString(),
      updatedAt: page.updatedAt.toISOString(),
    };
  }
}
