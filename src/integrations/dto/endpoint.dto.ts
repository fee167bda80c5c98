import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IsStringList } from '../../common/validators';
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../domain-events';

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export class CreateEndpointDto {
  @ApiProperty({
    description:
      'Where the plugin POSTs the events: an http or https URL, at most 2048 characters, without user:password. Redirects are not followed.',
    example: 'https://pos.example.com/hooks/marketing-messages',
  })
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'url must be an http or https URL (no user:password)' },
  )
  url!: string;

  @ApiProperty({ enum: DOMAIN_EVENT_TYPES, isArray: true, description: 'The event types to receive (at least one)' })
  @IsStringList({ minItems: 1, maxItems: DOMAIN_EVENT_TYPES.length, oneOf: DOMAIN_EVENT_TYPES, unique: true })
  eventTypes!: DomainEventType[];

  @ApiPropertyOptional({ description: 'A note for the shop, at most 200 characters' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;
}

export class UpdateEndpointDto extends PartialType(CreateEndpointDto) {}

export class EndpointResponse {
  @ApiProperty() id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: DOMAIN_EVENT_TYPES, isArray: true }) eventTypes!: DomainEventType[];
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CreatedEndpointResponse extends EndpointResponse {
  @ApiProperty({
    description: 'The signing secret, shown this once (stored encrypted): keep it to verify the signature header',
    example: 'mmwhsec_…',
  })
  secret!: string;
}

export class ListDeliveriesQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this status (failed: given up after a day)' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class DeliveryResponse {
  @ApiProperty() id!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: DOMAIN_EVENT_TYPES }) eventType!: DomainEventType;
  @ApiProperty({ description: 'Deliveries with the same key are made in order' }) orderingKey!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty({ description: 'POSTs made so far' }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, description: "The receiver's last HTTP status (null: no answer)" }) lastStatus!:
    number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed' }) lastError!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the next attempt is due (while pending)' }) nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Marked failed if not delivered by then (a day after it was queued)' })
  giveUpAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The delivery this one redelivers' }) redeliveryOf!: string | null;
}

export class DeliveryListResponse {
  @ApiProperty({ type: [DeliveryResponse], description: 'Newest first' }) items!: DeliveryResponse[];
  @ApiProperty({ description: "Counts of all the endpoint's deliveries by status", example: { pending: 0, delivered: 12, failed: 1 } })
  counts!: Record<DeliveryStatus, number>;
}

export class RedeliverDto {
  @ApiProperty({ description: 'The event (envelope `id`) to post again; it must have been queued for this endpoint before' })
  @IsUUID()
  eventId!: string;
}
