import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { DomainError } from '../common/domain-error';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { CampaignsService, type DeliveryListItem } from './campaigns.service';
import { BroadcastSettingsResponse, UpdateBroadcastSettingsDto } from './dto/broadcast-settings.dto';
import {
  CampaignEstimate,
  CampaignInsightsResponse,
  CampaignProgress,
  DeliveryPageResponse,
  WaitingRows,
  CampaignResponse,
  CreateCampaignDto,
  MetaInsights,
  RepeatCampaignDto,
  ScheduleCampaignDto,
  UpdateCampaignDto,
} from './dto/campaign.dto';
import { ResolveDeliveriesDto, ResolveDeliveriesResponse } from './dto/resolve-deliveries.dto';
import type { DeliveryStatus } from './entities/campaign-delivery.entity';

const META_PENDING =
  "Done here, but Meta's answer did not come within GRAPH_USER_WAIT_MS: `metaSync.state` is `pending` and the reconciler finishes the change at Meta";

const META_REFUSED = {
  status: 502,
  description: '`meta_refused`: Meta refused the change (`details.kind`, `details.code`); nothing changed here',
};
const META_UNAVAILABLE = {
  status: 503,
  description: '`meta_refused` with a transient or rate-limit kind: try again; nothing changed here',
};
const NOT_IN_STATE = { status: 409, description: '`campaign_state`: not in a state that allows it (`details.status`)' };

const DELIVERY_STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'skipped', 'failed', 'uncertain', 'canceled'];

@ApiTags('broadcasts')
@ApiExtraModels(MetaInsights, WaitingRows)
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pages/:pageId')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly settings: BroadcastSettingsService,
  ) {}

  @Get('broadcast-settings')
  @ApiOkResponse({ type: BroadcastSettingsResponse })
  getSettings(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<BroadcastSettingsResponse> {
    return this.settings.forShop(shopId, pageId);
  }

  @Put('broadcast-settings')
  @ApiOkResponse({ type: BroadcastSettingsResponse })
  putSettings(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: UpdateBroadcastSettingsDto,
  ): Promise<BroadcastSettingsResponse> {
    return this.settings.update(shopId, pageId, dto);
  }

  @Post('campaigns')
  @ApiCreatedResponse({ type: CampaignResponse, description: 'A draft' })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateCampaignDto): Promise<CampaignResponse> {
    return CampaignResponse.of(await this.campaigns.create(shopId, pageId, dto));
  }

  @Get('campaigns')
  @ApiOkResponse({ type: [CampaignResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<CampaignResponse[]> {
    return (await this.campaigns.list(shopId, pageId)).map((c) => CampaignResponse.of(c));
  }

  @Get('campaigns/:id')
  @ApiOkResponse({ type: CampaignResponse })
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignResponse> {
    return CampaignResponse.of(await this.campaigns.get(shopId, pageId, id));
  }

  @Patch('campaigns/:id')
  @ApiOkResponse({ type: CampaignResponse })
  @ApiAcceptedResponse({ type: CampaignResponse, description: META_PENDING })
  @ApiErrors(
    { status: 409, description: '`campaign_not_editable`, `campaign_changed` or `meta_sync_pending`' },
    META_REFUSED,
    META_UNAVAILABLE,
  )
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: UpdateCampaignDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CampaignResponse> {
    const { campaign } = await this.campaigns.update(shopId, pageId, id, dto);
    return answered(res, 200, CampaignResponse.of(campaign));
  }

  @Post('campaigns/:id/repeat')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiOperation({
    summary: 'Make a draft a recurring series (RFC 5545 rule, time of day)',
    description:
      "Each date of the rule becomes a campaign of its own (an occurrence: its own Meta campaign, budget, audience, progress and results), made and scheduled 6 hours before its first send, at `time` in each recipient's zone (`local`) or in one zone for all (`page`). A date whose first send is sooner than Meta's warm-up + 5 minutes is skipped: `notice` names the dates skipped now and the first date. Cancel the series to stop it.",
  })
  async repeat(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: RepeatCampaignDto,
  ): Promise<CampaignResponse> {
    const { campaign, notice } = await this.campaigns.repeat(shopId, pageId, id, dto);
    return CampaignResponse.of(campaign, notice);
  }

  @Get('campaigns/:id/occurrences')
  @ApiOkResponse({ type: [CampaignResponse] })
  async occurrences(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignResponse[]> {
    return (await this.campaigns.occurrences(shopId, pageId, id)).map((c) => CampaignResponse.of(c));
  }

  @Delete('campaigns/:id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a draft, or skip an occurrence of a series',
    description:
      "A draft is deleted. An occurrence that has not started (draft or scheduled) is skipped instead: it is canceled (its Meta campaign paused) and stays listed in the series' occurrences as `canceled`, so its date is not made again; the series goes on with its next date.",
  })
  @ApiNoContentResponse({ description: 'Deleted (an occurrence: skipped)' })
  @ApiErrors({
    status: 409,
    description: '`campaign_not_draft`: only a draft or an occurrence not yet started can be deleted; cancel the others',
  })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<void> {
    await this.campaigns.remove(shopId, pageId, id);
  }

  @Post('campaigns/:id/schedule')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiAcceptedResponse({ type: CampaignResponse, description: META_PENDING })
  @ApiErrors(
    { status: 409, description: '`campaign_not_draft` or `meta_sync_pending`' },
    {
      status: 422,
      description: '`warm_up_required`: Meta needs an hour between creating the campaign and its first send (`details.earliestStart`)',
    },
    META_REFUSED,
    META_UNAVAILABLE,
  )
  async schedule(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: ScheduleCampaignDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CampaignResponse> {
    const { campaign, notice } = await this.campaigns.schedule(shopId, pageId, id, dto);
    return answered(res, 200, CampaignResponse.of(campaign, notice));
  }

  @Post('campaigns/:id/pause')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiErrors(NOT_IN_STATE)
  async pause(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignResponse> {
    return CampaignResponse.of(await this.campaigns.pause(shopId, pageId, id));
  }

  @Post('campaigns/:id/resume')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiErrors({ status: 409, description: '`campaign_state` (not paused) or `budget_reached` (raise the budget first)' })
  async resume(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignResponse> {
    return CampaignResponse.of(await this.campaigns.resume(shopId, pageId, id));
  }

  @Post('campaigns/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignResponse })
  @ApiAcceptedResponse({ type: CampaignResponse, description: META_PENDING })
  @ApiErrors(NOT_IN_STATE, META_REFUSED, META_UNAVAILABLE)
  async cancel(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CampaignResponse> {
    const { campaign } = await this.campaigns.cancel(shopId, pageId, id);
    return answered(res, 200, CampaignResponse.of(campaign));
  }

  @Get('campaigns/:id/estimate')
  @ApiOkResponse({ type: CampaignEstimate })
  estimate(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignEstimate> {
    return this.campaigns.estimate(shopId, pageId, id);
  }

  @Get('campaigns/:id/progress')
  @ApiOkResponse({ type: CampaignProgress })
  progress(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<CampaignProgress> {
    return this.campaigns.progress(shopId, pageId, id);
  }

  @Get('campaigns/:id/insights')
  @ApiOkResponse({ type: CampaignInsightsResponse })
  insights(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
  ): ReturnType<CampaignsService['insights']> {
    return this.campaigns.insights(shopId, pageId, id);
  }

  @Get('campaigns/:id/deliveries')
  @ApiQuery({ name: 'status', required: false, enum: DELIVERY_STATUSES })
  @ApiQuery({ name: 'after', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 100' })
  @ApiOkResponse({ type: DeliveryPageResponse })
  deliveries(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Query('status') status?: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
  ): Promise<{ items: DeliveryListItem[]; nextCursor: string | null }> {
    if (status !== undefined && !DELIVERY_STATUSES.includes(status as DeliveryStatus)) {
      throw new DomainError(400, 'invalid_status', `status must be one of ${DELIVERY_STATUSES.join(', ')}`, { field: 'status' });
    }
    if (after !== undefined && !/^\d{1,20}$/.test(after))
      throw new DomainError(400, 'invalid_cursor', 'after must be a cursor from a previous page', { field: 'after' });
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500)
      throw new DomainError(400, 'invalid_limit', 'limit must be an integer from 1 to 500', { field: 'limit' });
    return this.campaigns.deliveries(shopId, pageId, id, status as DeliveryStatus | undefined, after, n);
  }

  /**
   * The shop's decision on uncertain deliveries: `resend` (pending again, sent anew) or `leave`
   * (see ResolveDeliveriesDto). 400 naming the field for bad input, 409 `not_uncertain` naming
   * `deliveryIds` when a listed id is not an uncertain delivery of this campaign.
   */
  @Post('campaigns/:id/deliveries/resolve')
  @HttpCode(200)
  @ApiOkResponse({ type: ResolveDeliveriesResponse })
  @ApiErrors({ status: 409, description: '`not_uncertain` (field `deliveryIds`, `details.ids`) or `campaign_canceled`' })
  resolveDeliveries(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: ResolveDeliveriesDto,
  ): Promise<ResolveDeliveriesResponse> {
    return this.campaigns.resolveUncertain(shopId, pageId, id, dto);
  }
}

/** 202 when the change is ours but not yet confirmed at Meta (`metaSync.state: pending`), else `status`. */
function answered(res: Response, status: 200, body: CampaignResponse): CampaignResponse {
  res.status(body.metaSync.state === 'pending' ? 202 : status);
  return body;
}
