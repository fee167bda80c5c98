import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateTopicDto, TopicResponse, UpdateTopicDto } from './dto/topic.dto';
import { noSubscribers } from './topic-counts';
import { TopicsService } from './topics.service';

@ApiTags('topics')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pages/:pageId/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Post()
  @ApiCreatedResponse({ type: TopicResponse })
  @ApiErrors({ status: 409, description: '`topic_payload_taken` or `topic_title_taken` (field named)' })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateTopicDto): Promise<TopicResponse> {
    return TopicResponse.of(await this.topics.create(shopId, pageId, dto), noSubscribers());
  }

  @Get()
  @ApiOkResponse({ type: [TopicResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<TopicResponse[]> {
    return (await this.topics.list(shopId, pageId)).map(({ topic, counts }) => TopicResponse.of(topic, counts));
  }

  @Get(':topicId')
  @ApiOkResponse({ type: TopicResponse })
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<TopicResponse> {
    const { topic, counts } = await this.topics.getWithCounts(shopId, pageId, topicId);
    return TopicResponse.of(topic, counts);
  }

  @Patch(':topicId')
  @ApiOkResponse({ type: TopicResponse })
  @ApiErrors({ status: 409, description: '`topic_archived`, `topic_payload_taken` or `topic_title_taken`' })
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('topicId') topicId: string,
    @Body() dto: UpdateTopicDto,
  ): Promise<TopicResponse> {
    await this.topics.update(shopId, pageId, topicId, dto);
    return this.get(shopId, pageId, topicId);
  }

  @Post(':topicId/archive')
  @HttpCode(200)
  @ApiOkResponse({ type: TopicResponse, description: 'Archived: no longer offered, its history kept' })
  async archive(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<TopicResponse> {
    await this.topics.archive(shopId, pageId, topicId);
    return this.get(shopId, pageId, topicId);
  }

  @Delete(':topicId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ status: 409, description: '`topic_has_history`: it has subscribers or opt-in history; archive it instead' })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<void> {
    await this.topics.remove(shopId, pageId, topicId);
  }
}
