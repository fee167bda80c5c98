import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO4217CurrencyCode, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsTimeZone } from '../../common/time-zone.validator';
import type { Page, PagePlatform } from '../page.entity';

export class CreatePageDto {
  @ApiProperty({ description: "Meta's id of the Facebook Page or Instagram Professional account", example: '104857361234567' })
  @Matches(/^\d{5,30}$/, { message: 'id must be the numeric id Meta gives the Page' })
  id!: string;

  @ApiProperty({ example: 'Summer Shop PH' })
  @IsString()
  @Length(1, 200)
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

  @ApiPropertyOptional({ example: 'PHP' })
  @IsOptional()
  @IsISO4217CurrencyCode()
  currency?: string;

  @ApiPropertyOptional({ description: "Estimated price of one marketing message, in the currency's smallest unit", example: 120 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  pricePerMessage?: number;

  @ApiPropertyOptional({
    description:
      'IANA time zone of the Page (https://www.iana.org/time-zones): the local day and time of subscribers whose opt-in reported no zone. Default: Asia/Ho_Chi_Minh when currency is VND, else Asia/Manila',
    example: 'Asia/Manila',
  })
  @IsOptional()
  @IsTimeZone()
  timezone?: string;
}

export class UpdatePageDto extends PartialType(OmitType(CreatePageDto, ['id'] as const)) {}

/** What the API says of a Page: never a token, only whether one is set. */
export class PageResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['facebook', 'instagram'] }) platform!: PagePlatform;
  @ApiProperty({ nullable: true, type: String }) adAccountId!: string | null;
  @ApiProperty() hasSystemUserToken!: boolean;
  @ApiProperty() currency!: string;
  @ApiProperty() pricePerMessage!: number;
  @ApiProperty({ description: 'IANA time zone of the Page', example: 'Asia/Manila' }) timezone!: string;
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
      timezone: page.timezone,
      createdAt: page.createdAt.toISOString(),
      updatedAt: page.updatedAt.toISOString(),
    };
  }
}
