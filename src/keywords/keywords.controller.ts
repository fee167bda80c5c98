import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateKeywordDto, KeywordResponse, KeywordStatsResponse, UpdateKeywordDto } from './dto/keyword.dto';
import { KeywordsService } from './keywords.service';

@ApiTags('keywords')
@ApiErrors(400, 404)
@ShopScoped()
@Controller('api/pages/:pageId/keywords')
export class KeywordsController {
  constructor(private readonly keywords: KeywordsService) {}

  @Post()
  @ApiCreatedResponse({ type: KeywordResponse })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateKeywordDto): Promise<KeywordResponse> {
    return KeywordResponse.of(await this.keywords.create(shopId, pageId, dto));
  }

  @Get()
  @ApiOkResponse({ type: [KeywordResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<KeywordResponse[]> {
    return (await this.keywords.list(shopId, pageId)).map((r) => KeywordResponse.of(r));
  }

  @Get(':keywordId')
  @ApiOkResponse({ type: KeywordResponse })
  async get(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('keywordId') keywordId: string,
  ): Promise<KeywordResponse> {
    return KeywordResponse.of(await this.keywords.get(shopId, pageId, keywordId));
  }

  @Get(':keywordId/stats')
  @ApiOkResponse({ type: KeywordStatsResponse })
  stats(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('keywordId') keywordId: string,
  ): Promise<KeywordStatsResponse> {
    return this.keywords.stats(shopId, pageId, keywordId);
  }

  @Patch(':keywordId')
  @ApiOkResponse({ type: KeywordResponse })
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('keywordId') keywordId: string,
    @Body() dto: UpdateKeywordDto,
  ): Promise<KeywordResponse> {
    return KeywordResponse.of(await this.keywords.update(shopId, pageId, keywordId, dto));
  }

  @Delete(':keywordId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('keywordId') keywordId: string): Promise<void> {
    await this.keywords.remove(shopId, pageId, keywordId);
  }
}
