import { ApiProperty } from '@nestjs/swagger';
import { AbTestResponse } from './ab-test.dto';
import { MINOR_UNITS_RULE } from '../../common/money';

/** The one wording of an amount's unit across the API (src/common/money.ts). */
const MINOR = MINOR_UNITS_RULE;

export class LinkClicksResponse {
  @ApiProperty({ description: "The A/B variant whose content holds the link (0: the campaign's own content)" }) variant!: number;
  @ApiProperty({ description: 'The link index in its content (the redirect code carries it)' }) index!: number;
  @ApiProperty({ example: 'elements.0.buttons.1' }) at!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The button title (null: a card default action)' }) title!: string | null;
  @ApiProperty({ description: "The shop's URL (without the UTM parameters added at the redirect)" }) url!: string;
  @ApiProperty({ description: 'Recipients who followed it at least once' }) clickers!: number;
  @ApiProperty({ description: 'Every time it was followed' }) clicks!: number;
}

export class AttributionResults {
  @ApiProperty({ description: 'Attributed orders (last touch), canceled and returned ones left out' }) orders!: number;
  @ApiProperty({ description: `Sum of their totals in revenueCurrency, ${MINOR}` }) revenue!: number;
  @ApiProperty({ description: "The shop's currency" }) revenueCurrency!: string;
  @ApiProperty({ description: 'Attributed orders in another currency: in orders, not in revenue' }) ordersInOtherCurrencies!: number;
  @ApiProperty({ description: `The campaign's cost (messages sent × the Page's price per message), ${MINOR}` }) cost!: number;
  @ApiProperty({ description: "The ad account's currency" }) costCurrency!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'revenue / cost (2 decimals) when both are in one currency and cost > 0' })
  revenuePerCost!: number | null;
  @ApiProperty() deliveredWindowHours!: number;
  @ApiProperty() clickWindowHours!: number;
}

/** One occurrence of a recurring series: what it sent and earned. */
export class OccurrenceResultsResponse {
  @ApiProperty({ description: "The occurrence's own campaign id" }) campaignId!: string;
  @ApiProperty({ description: "The series' date it is (YYYY-MM-DD)", example: '2026-06-01' }) date!: string;
  @ApiProperty({ description: 'Its status (a skipped date: canceled)' }) status!: string;
  @ApiProperty() sent!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() read!: number;
  @ApiProperty() clicked!: number;
  @ApiProperty({ description: 'Attributed orders (last touch), canceled and returned ones left out' }) orders!: number;
  @ApiProperty({ description: `In the shop's currency (revenueCurrency), ${MINOR}` }) revenue!: number;
  @ApiProperty() ordersInOtherCurrencies!: number;
  @ApiProperty({ description: `Messages sent × the Page's price per message, ${MINOR}` }) cost!: number;
  @ApiProperty() costCurrency!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'revenue / cost (2 decimals) when both are in one currency and cost > 0' })
  revenuePerCost!: number | null;
}

export class OptOutResults {
  @ApiProperty() sent!: number;
  @ApiProperty({ description: 'Subscriptions stopped less than 24 h after their message (a STOP, or 2300034 on a send)' }) stops!: number;
  @ApiProperty({ description: 'Subscriptions unsubscribed less than 24 h after their message' }) unsubscribes!: number;
  @ApiProperty({ description: '(stops + unsubscribes) / sent' }) rate!: number;
  @ApiProperty() thresholdPercent!: number;
  @ApiProperty() minSent!: number;
  @ApiProperty({ description: 'The campaign paused itself for its opt-out rate (it does so once)' }) pausedForRate!: boolean;
}

/** GET …/campaigns/:id/results. */
export class CampaignResultsResponse {
  @ApiProperty() campaignId!: string;
  @ApiProperty() sent!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() read!: number;
  @ApiProperty({ description: "Recipients who clicked (a tracked link, or Meta's click webhook)" }) clicked!: number;
  @ApiProperty({ type: [LinkClicksResponse] }) links!: LinkClicksResponse[];
  @ApiProperty({ type: AttributionResults }) attribution!: AttributionResults;
  @ApiProperty({
    type: [OccurrenceResultsResponse],
    nullable: true,
    description:
      'A recurring series (which sends nothing itself): each occurrence, newest date first; the figures above are their totals. null for any other campaign.',
  })
  occurrences!: OccurrenceResultsResponse[] | null;
  @ApiProperty({ type: OptOutResults }) optOuts!: OptOutResults;
  @ApiProperty({ type: AbTestResponse, nullable: true }) abTest!: AbTestResponse | null;
}

export class FigureBucketResponse {
  @ApiProperty({ description: "The local hour or day in the Page's zone", example: '2026-06-02T09' }) local!: string;
  @ApiProperty({ description: 'Its first instant (UTC)', format: 'date-time' }) start!: string;
  @ApiProperty() sends!: number;
  @ApiProperty() reads!: number;
  @ApiProperty({ description: 'Recipients first clicking in the bucket' }) clicks!: number;
  @ApiProperty({ description: 'Attributed orders by order time' }) orders!: number;
  @ApiProperty({ description: `In revenueCurrency, ${MINOR}` }) revenue!: number;
}

/** GET …/campaigns/:id/figures. */
export class CampaignFiguresResponse {
  @ApiProperty({ enum: ['hour', 'day'] }) bucket!: 'hour' | 'day';
  @ApiProperty({ description: "The Page's IANA zone" }) timezone!: string;
  @ApiProperty() revenueCurrency!: string;
  @ApiProperty({ type: [FigureBucketResponse] }) buckets!: FigureBucketResponse[];
}
