import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateTopicDto, TopicResponse, UpdateTopicDto } from './dto/topic.dto';
import { noSubscribers } from './topic-counts';
import { TopicsService } from './topics.service';

@ApiTags('topics')
@ShopScoped()
@Controller('api/pages/:pageId/topics')
export class TopicsController {
  constructor(private readonly topics: TopicsService) {}

  @Post()
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateTopicDto): Promise<TopicResponse> {
    return TopicResponse.of(await this.topics.create(shopId, pageId, dto), noSubscribers());
  }

  @Get()
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<TopicResponse[]> {
    return (await this.topics.list(shopId, pageId)).map(({ topic, counts }) => TopicResponse.of(topic, counts));
  }

  @Get(':topicId')
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<TopicResponse> {
    const { topic, counts } = await this.topics.getWithCounts(shopId, pageId, topicId);
    return TopicResponse.of(topic, counts);
  }

  @Patch(':topicId')
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
  async archive(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<TopicResponse> {
    await this.topics.archive(shopId, pageId, topicId);
    return this.get(shopId, pageId, topicId);
  }

  @Delete(':topicId')
  @HttpCode(204)
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('topicId') topicId: string): Promise<void> {
    await this.topics.remove(shopId, pageId, topicId);
  }
}
