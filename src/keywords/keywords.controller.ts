import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateKeywordDto, KeywordResponse, KeywordStatsResponse, UpdateKeywordDto } from './dto/keyword.dto';
import { KeywordsService } from './keywords.service';

@ApiTags('keywords')
@ShopScoped()
@Controller('api/pages/:pageId/keywords')
export class KeywordsController {
  constructor(private readonly keywords: KeywordsService) {}

  @Post()
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateKeywordDto): Promise<KeywordResponse> {
    return KeywordResponse.of(await this.keywords.create(shopId, pageId, dto));
  }

  @Get()
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<KeywordResponse[]> {
    return (await this.keywords.list(shopId, pageId)).map((r) => KeywordResponse.of(r));
  }

  @Get(':keywordId')
  async get(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('keywordId') keywordId: string,
  ): Promise<KeywordResponse> {
    return KeywordResponse.of(await this.keywords.get(shopId, pageId, keywordId));
  }

  @Get(':keywordId/stats')
  stats(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('keywordId') keywordId: string,
  ): Promise<KeywordStatsResponse> {
    return this.keywords.stats(shopId, pageId, keywordId);
  }

  @Patch(':keywordId')
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
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('keywordId') keywordId: string): Promise<void> {
    await this.keywords.remove(shopId, pageId, keywordId);
  }
}
