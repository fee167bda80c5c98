import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import {
  CreatedEndpointResponse,
  CreateEndpointDto,
  DeliveryListResponse,
  DeliveryResponse,
  EndpointResponse,
  ListDeliveriesQueryDto,
  RedeliverDto,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { EndpointsService } from './endpoints.service';

/**
 * The shop's HTTP endpoints for domain events (README "Events out to the POS over HTTP"): each receives
 * the event types it picked, signed with its own secret, in order per customer or campaign, retried for a day.
 */
@ApiTags('integrations')
@ShopScoped()
@Controller('api/integrations/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  @ApiOperation({ summary: 'Register an endpoint; the answer holds its signing secret, shown this once' })
  @ApiResponse({ status: 201, type: CreatedEndpointResponse })
  create(@CurrentShop() shopId: string, @Body() dto: CreateEndpointDto): Promise<CreatedEndpointResponse> {
    return this.endpoints.create(shopId, dto);
  }

  @Get()
  @ApiResponse({ status: 200, type: [EndpointResponse] })
  list(@CurrentShop() shopId: string): Promise<EndpointResponse[]> {
    return this.endpoints.list(shopId);
  }

  @Get(':endpointId')
  @ApiResponse({ status: 200, type: EndpointResponse })
  get(@CurrentShop() shopId: string, @Param('endpointId') endpointId: string): Promise<EndpointResponse> {
    return this.endpoints.get(shopId, endpointId);
  }

  @Patch(':endpointId')
  @ApiResponse({ status: 200, type: EndpointResponse })
  update(
    @CurrentShop() shopId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: UpdateEndpointDto,
  ): Promise<EndpointResponse> {
    return this.endpoints.update(shopId, endpointId, dto);
  }

  @Delete(':endpointId')
  @HttpCode(204)
  async remove(@CurrentShop() shopId: string, @Param('endpointId') endpointId: string): Promise<void> {
    await this.endpoints.remove(shopId, endpointId);
  }

  @Get(':endpointId/deliveries')
  @ApiOperation({ summary: "The endpoint's recent deliveries (newest first) and failures, with counts by status" })
  @ApiResponse({ status: 200, type: DeliveryListResponse })
  deliveries(
    @CurrentShop() shopId: string,
    @Param('endpointId') endpointId: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<DeliveryListResponse> {
    return this.endpoints.deliveries(shopId, endpointId, query.status, query.limit ?? 50);
  }

  @Post(':endpointId/redeliveries')
  @HttpCode(202)
  @ApiOperation({ summary: 'Post an event to the endpoint again (queued now, behind what its customer or campaign already has queued)' })
  @ApiResponse({ status: 202, type: DeliveryResponse })
  redeliver(@CurrentShop() shopId: string, @Param('endpointId') endpointId: string, @Body() dto: RedeliverDto): Promise<DeliveryResponse> {
    return this.endpoints.redeliver(shopId, endpointId, dto.eventId);
  }
}
