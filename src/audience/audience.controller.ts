import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { ParsePsidPipe, PSID_PATTERN } from '../common/validators';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { AudienceService } from './audience.service';
import {
  AudienceCountDto,
  AudienceCountResponse,
  CreateSegmentDto,
  CustomerResponse,
  SegmentResponse,
  SetTagsDto,
  UpdateSegmentDto,
} from './dto/audience.dto';

/** The customer routes' `:psid`: digits only, as Meta gives them; anything else is a 400 naming `psid`. */
const PSID_PARAM = {
  name: 'psid',
  description: "The customer's PSID (Facebook) or IGSID (Instagram): digits only",
  pattern: PSID_PATTERN.source,
};

@ApiTags('audience')
@ApiErrors(400, 404)
@ShopScoped()
@Controller('api/pages/:pageId')
export class AudienceController {
  constructor(private readonly audience: AudienceService) {}

  @Post('segments')
  @ApiCreatedResponse({ type: SegmentResponse })
  @ApiOperation({ summary: 'Save a segment (conditions on order summaries, the subscription and tags) to reuse in campaigns' })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateSegmentDto): Promise<SegmentResponse> {
    return SegmentResponse.of(await this.audience.createSegment(shopId, pageId, dto));
  }

  @Get('segments')
  @ApiOkResponse({ type: [SegmentResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<SegmentResponse[]> {
    return (await this.audience.listSegments(shopId, pageId)).map((s) => SegmentResponse.of(s));
  }

  @Get('segments/:id')
  @ApiOkResponse({ type: SegmentResponse })
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<SegmentResponse> {
    return SegmentResponse.of(await this.audience.getSegment(shopId, pageId, id));
  }

  @Put('segments/:id')
  @ApiOkResponse({ type: SegmentResponse })
  @ApiOperation({ summary: 'Change a segment; campaigns that have not fanned out yet take the new conditions' })
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('id') id: string,
    @Body() dto: UpdateSegmentDto,
  ): Promise<SegmentResponse> {
    return SegmentResponse.of(await this.audience.updateSegment(shopId, pageId, id, dto));
  }

  @Delete('segments/:id')
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ status: 409, description: '`segment_in_use`: an unfinished campaign uses it' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a segment (409 segment_in_use while an unfinished campaign uses it)' })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<void> {
    await this.audience.deleteSegment(shopId, pageId, id);
  }

  @Post('audience/count')
  @ApiOkResponse({ type: AudienceCountResponse })
  @HttpCode(200)
  @ApiOperation({
    summary: "How many of a topic's active subscribers a segment selects, now",
    description: 'Counted by the database (one COUNT). Changes nothing; POST only because the inline conditions are a body.',
  })
  async count(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: AudienceCountDto,
  ): Promise<AudienceCountResponse> {
    const { count, segmentId, at } = await this.audience.count(shopId, pageId, dto.topicId, dto);
    return { topicId: dto.topicId, segmentId, count, at: at.toISOString() };
  }

  @Get('customers/:psid')
  @ApiParam(PSID_PARAM)
  @ApiOkResponse({ type: CustomerResponse })
  @ApiOperation({ summary: "A customer's order summary (from the POS's order events) and tags" })
  customer(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('psid', ParsePsidPipe) psid: string,
  ): Promise<CustomerResponse> {
    return this.audience.customer(shopId, pageId, psid);
  }

  @Put('customers/:psid/tags')
  @ApiParam(PSID_PARAM)
  @ApiOkResponse({ type: CustomerResponse })
  @ApiOperation({ summary: "Set a customer's tags (the POS's own labels: vip, wholesale…), replacing the old set" })
  async setTags(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('psid', ParsePsidPipe) psid: string,
    @Body() dto: SetTagsDto,
  ): Promise<CustomerResponse> {
    await this.audience.setTags(shopId, pageId, psid, dto.tags);
    return this.audience.customer(shopId, pageId, psid);
  }
}
