import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { META_TEXT_LIMITS } from '../../../libs/graph-api/src';
import { MetaText } from '../../common/meta-text.validation';
import type { ImageAspectRatio, Topic, TopicCtaText } from '../entities/topic.entity';

const CTA_TEXTS: TopicCtaText[] = ['ALLOW', 'GET', 'GET_UPDATES', 'OPT_IN', 'SIGN_UP'];

export class CreateTopicDto {
  @ApiProperty({
    description:
      'The opt-in title the person sees: 1 to 65 characters as Meta counts them (UTF-16 code units; an emoji is 2 or more), stored in NFC',
    example: 'Hàng mới về',
  })
  @IsString()
  @MetaText(META_TEXT_LIMITS.optinTitle)
  title!: string;

  @ApiPropertyOptional({ description: 'https image shown with the opt-in request' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'imageUrl must be an https URL' })
  @MaxLength(1000)
  imageUrl?: string;

  @ApiPropertyOptional({ enum: ['HORIZONTAL', 'SQUARE'] })
  @IsOptional()
  @IsIn(['HORIZONTAL', 'SQUARE'])
  imageAspectRatio?: ImageAspectRatio;

  @ApiPropertyOptional({ description: 'Echoed in the opt-in webhook; names the topic. Default: derived from the title.' })
  @IsOptional()
  @Matches(/^[\w.:-]{1,255}$/, { message: 'payload must be 1-255 letters, digits, _ . : -' })
  payload?: string;

  @ApiPropertyOptional({ enum: CTA_TEXTS, description: 'Button text; Meta defaults to GET_UPDATES' })
  @IsOptional()
  @IsIn(CTA_TEXTS)
  ctaText?: TopicCtaText;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class UpdateTopicDto extends PartialType(CreateTopicDto) {}

export class TopicCounts {
  @ApiProperty() active!: number;
  @ApiProperty() stopped!: number;
  @ApiProperty() unsubscribed!: number;
  @ApiProperty() expired!: number;
  @ApiProperty() invalid!: number;
  @ApiProperty() unlisted!: number;
}

export class TopicResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) imageUrl!: string | null;
  @ApiProperty({ nullable: true, type: String }) imageAspectRatio!: ImageAspectRatio | null;
  @ApiProperty() payload!: string;
  @ApiProperty({ nullable: true, type: String }) ctaText!: TopicCtaText | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: String }) archivedAt!: string | null;
  @ApiProperty({ type: TopicCounts }) subscribers!: TopicCounts;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(topic: Topic, subscribers: TopicCounts): TopicResponse {
    return {
      id: topic.id,
      pageId: topic.pageId,
      title: topic.title,
      imageUrl: topic.imageUrl,
      imageAspectRatio: topic.imageAspectRatio,
      payload: topic.payload,
      ctaText: topic.ctaText,
      active: topic.active,
      archivedAt: topic.archivedAt?.toISOString() ?? null,
      subscribers,
      createdAt: topic.createdAt.toISOString(),
      updatedAt: topic.updatedAt.toISOString(),
    };
  }
}
