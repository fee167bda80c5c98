import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsCheckedBy, IsName, IsStringList } from '../../common/validators';
import { MINOR_UNITS_RULE } from '../../common/money';
import { CONDITION_TYPES, segmentProblems } from '../segment-definition';
import type { Segment } from '../entities/segment.entity';

export const SEGMENT_DEFINITION_DOC =
  "{match: 'all' | 'any', conditions: [condition | {match, conditions: [condition]}]} (AND/OR, groups one level deep, ≤ 20 entries each). " +
  `A condition is {type, …}: ${CONDITION_TYPES.join(', ')}. orderedWithinDays/notOrderedWithinDays {days 1-3650}; ordersAtLeast {count}; ` +
  `spentAtLeast {amount: the shop's currency, ${MINOR_UNITS_RULE}}; boughtItem {name}; boughtCategory {category}; ` +
  'lastStatus {statuses: order statuses}; subscribedSince {at: RFC 3339}; timezone {zones: IANA}; ' +
  "country {countries: ISO 3166-1 alpha-2, e.g. ['PH', 'VN']: read from the subscriber's reported time zone, as Meta reports no country; " +
  'a zone counts for its main country only (Asia/Bangkok is TH), and a subscriber with no reported zone is in no country}; ' +
  'hasTag/lacksTag {tag}. Counted orders are those whose newest status is not CANCELED or RETURNED; days count back from the count or the campaign start.';

const DEFINITION_EXAMPLE = {
  match: 'all',
  conditions: [
    { type: 'orderedWithinDays', days: 90 },
    { type: 'spentAtLeast', amount: 1000000 },
  ],
};

/** A segment definition held to checkSegmentDefinition, each problem named by its path (`definition.conditions.1.days`). */
export const IsSegmentDefinition = (): PropertyDecorator => IsCheckedBy('isSegmentDefinition', segmentProblems);

export class CreateSegmentDto {
  @ApiProperty({ example: 'Big spenders, last 90 days' })
  @IsName(200)
  name!: string;

  @ApiProperty({ description: SEGMENT_DEFINITION_DOC, example: DEFINITION_EXAMPLE })
  @IsSegmentDefinition()
  definition!: Record<string, unknown>;
}

export class UpdateSegmentDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsName(200)
  name?: string;

  @ApiPropertyOptional({ description: SEGMENT_DEFINITION_DOC })
  @IsOptional()
  @IsSegmentDefinition()
  definition?: Record<string, unknown>;
}

export class SegmentResponse {
  @ApiProperty() id!: string;
  @ApiProperty() pageId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: SEGMENT_DEFINITION_DOC, example: DEFINITION_EXAMPLE }) definition!: Record<string, unknown>;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static of(s: Segment): SegmentResponse {
    return {
      id: s.id,
      pageId: s.pageId,
      name: s.name,
      definition: JSON.parse(s.definition) as Record<string, unknown>,
      createdAt: s.createdAt.toISOString(),
      updatedAt: s.updatedAt.toISOString(),
    };
  }
}

/** Whom to count: a topic's active subscribers, narrowed by a saved segment or inline conditions (or neither). */
export class AudienceCountDto {
  @ApiProperty()
  @IsString()
  @Length(1, 36)
  topicId!: string;

  @ApiPropertyOptional({ description: 'A saved segment of the Page (not with `segment`)' })
  @IsOptional()
  @IsString()
  @Length(1, 36)
  segmentId?: string;

  @ApiPropertyOptional({ description: `Inline conditions (not with segmentId): ${SEGMENT_DEFINITION_DOC}`, example: DEFINITION_EXAMPLE })
  @IsOptional()
  @IsSegmentDefinition()
  segment?: Record<string, unknown>;
}

export class AudienceCountResponse {
  @ApiProperty() topicId!: string;
  @ApiProperty({ nullable: true, type: String }) segmentId!: string | null;
  @ApiProperty({ description: "The topic's active subscribers that match, counted by the database now" }) count!: number;
  @ApiProperty({ description: 'The moment "within N days" counted back from (ISO 8601)' }) at!: string;
}

/** `PUT …/customers/:psid/tags`: the customer's whole tag set. 400 naming `tags` (not a list, too many) or `tags.<i>` (that tag). */
export class SetTagsDto {
  @ApiProperty({
    type: [String],
    description:
      'The full set of tags of the customer (replaces the old set), at most 50; each 1-64 characters, not only spaces, case-insensitive. ' +
      'A bad tag is a 400 naming it by position (`tags.1`)',
    example: ['vip', 'wholesale'],
    maxItems: 50,
  })
  @IsStringList({ maxItems: 50, minLength: 1, maxLength: 64 })
  tags!: string[];
}

export class CustomerOrdersSummary {
  @ApiProperty() ordersCount!: number;
  @ApiProperty({ description: `In the shop's currency: ${MINOR_UNITS_RULE}` }) totalSpent!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String }) firstOrderAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastOrderAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastOrderId!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastStatus!: string | null;
}

/** What the plugin knows of one customer of a Page for segments. */
export class CustomerResponse {
  @ApiProperty() pageId!: string;
  @ApiProperty() psid!: string;
  @ApiProperty({ type: CustomerOrdersSummary, nullable: true, description: 'null before the first order event' })
  orders!: CustomerOrdersSummary | null;
  @ApiProperty({ type: [String] }) tags!: string[];
}
