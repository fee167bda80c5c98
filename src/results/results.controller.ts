import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { AbTestsService } from './ab-tests.service';
import type { Bucket } from './results-shapes';
import { CampaignResultsService } from './campaign-results.service';
import { CampaignFiguresResponse, CampaignResultsResponse } from './dto/campaign-results.dto';
import { AbTestResponse, PutAbTestDto } from './dto/ab-test.dto';
import {
  CampaignResultsSettingsResponse,
  ShopResultsSettingsResponse,
  UpdateCampaignResultsSettingsDto,
  UpdateShopResultsSettingsDto,
} from './dto/results-settings.dto';
import { ResultsSettingsService } from './results-settings.service';

/** Campaign results: settings, A/B tests, per-campaign results and time-bucketed figures. */
@ApiTags('results')
@ShopScoped()
@Controller('api')
export class ResultsController {
  constructor(
    private readonly results: CampaignResultsService,
    private readonly settings: ResultsSettingsService,
    private readonly abTests: AbTestsService,
  ) {}

  @Get('results-settings')
  @ApiOkResponse({ type: ShopResultsSettingsResponse })
  shopSettings(@CurrentShop() shopId: string): Promise<ShopResultsSettingsResponse> {
    return this.settings.shopSettings(shopId);
  }

  @Put('results-settings')
  @ApiOperation({ summary: "The shop's attribution windows and opt-out auto-pause threshold (defaults of every campaign)" })
  @ApiOkResponse({ type: ShopResultsSettingsResponse })
  putShopSettings(@CurrentShop() shopId: string, @Body() dto: UpdateShopResultsSettingsDto): Promise<ShopResultsSettingsResponse> {
    return this.settings.updateShop(shopId, dto);
  }

  @Get('pages/:pageId/campaigns/:id/results-settings')
  @ApiOkResponse({ type: CampaignResultsSettingsResponse })
  async campaignSettings(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
  ): Promise<CampaignResultsSettingsResponse> {
    await this.results.campaign(shopId, pageId, id);
    return this.settings.campaignSettings(shopId, id);
  }

  @Put('pages/:pageId/campaigns/:id/results-settings')
  @ApiOperation({
    summary: "A campaign's UTM parameters, attribution windows and opt-out threshold (any state; each overrides the shop's)",
  })
  @ApiOkResponse({ type: CampaignResultsSettingsResponse })
  async putCampaignSettings(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: UpdateCampaignResultsSettingsDto,
  ): Promise<CampaignResultsSettingsResponse> {
    await this.results.campaign(shopId, pageId, id);
    return this.settings.updateCampaign(shopId, id, dto);
  }

  @Delete('pages/:pageId/campaigns/:id/results-settings')
  @ApiOperation({
    summary: "Drops the campaign's own UTM parameters, windows and opt-out limit: it follows its series' or the shop's again (any state)",
  })
  @ApiOkResponse({ type: CampaignResultsSettingsResponse, description: 'The settings then in force' })
  async resetCampaignSettings(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
  ): Promise<CampaignResultsSettingsResponse> {
    await this.results.campaign(shopId, pageId, id);
    return this.settings.resetCampaign(shopId, id);
  }

  @Get('pages/:pageId/campaigns/:id/ab-test')
  @ApiOkResponse({ type: AbTestResponse })
  async abTest(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<AbTestResponse> {
    await this.results.campaign(shopId, pageId, id);
    const test = await this.abTests.get(id);
    if (!test) throw new DomainError(404, 'not_found', 'The campaign has no A/B test', { field: 'id' });
    return test;
  }

  @Put('pages/:pageId/campaigns/:id/ab-test')
  @ApiOperation({
    summary: 'Sets the A/B test of a draft campaign',
    description: '400 naming the field (`variants.0.text`); 409 `campaign_not_draft` once the campaign was scheduled.',
  })
  @ApiOkResponse({ type: AbTestResponse })
  async putAbTest(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: PutAbTestDto,
  ): Promise<AbTestResponse> {
    const campaign = await this.results.campaign(shopId, pageId, id);
    return this.abTests.put(id, campaign.status, dto);
  }

  @Delete('pages/:pageId/campaigns/:id/ab-test')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Removes the A/B test of a draft campaign: it goes to its whole audience with its own content',
    description: '404 `not_found` when the campaign has no test; 409 `campaign_not_draft` once the campaign was scheduled.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  async deleteAbTest(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<void> {
    await this.results.campaign(shopId, pageId, id);
    await this.abTests.remove(id);
  }

  @Get('pages/:pageId/campaigns/:id/results')
  @ApiOperation({
    summary: 'What the campaign earned: sends, reads, clicks per link, attributed orders and revenue, revenue per cost, opt-outs, A/B test',
    description:
      "For a recurring series: `occurrences` lists each occurrence's results (newest date first) and the other figures are their totals; `GET …/figures` of a series buckets its occurrences together.",
  })
  @ApiOkResponse({ type: CampaignResultsResponse })
  async campaignResults(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
  ): Promise<CampaignResultsResponse> {
    return this.results.results(await this.results.campaign(shopId, pageId, id));
  }

  @Get('pages/:pageId/campaigns/:id/figures')
  @ApiOperation({ summary: "Sends, reads, clicks, orders and revenue per hour or per day in the Page's time zone" })
  @ApiQuery({ name: 'bucket', required: false, enum: ['hour', 'day'], description: 'default day' })
  @ApiOkResponse({ type: CampaignFiguresResponse })
  async figures(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Query('bucket') bucket?: string,
  ): Promise<CampaignFiguresResponse> {
    if (bucket !== undefined && bucket !== 'hour' && bucket !== 'day')
      throw new DomainError(400, 'invalid_bucket', 'bucket must be hour or day', { field: 'bucket' });
    return this.results.figures(await this.results.campaign(shopId, pageId, id), (bucket ?? 'day') as Bucket);
  }
}
