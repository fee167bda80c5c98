import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreatePageDto, PageResponse, UpdatePageDto } from './dto/page.dto';
import { PagesService } from './pages.service';

@ApiTags('pages')
@ShopScoped()
@Controller('api/pages')
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Post()
  async create(@CurrentShop() shopId: string, @Body() dto: CreatePageDto): Promise<PageResponse> {
    return PageResponse.of(await this.pages.create(shopId, dto));
  }

  @Get()
  @ApiOkResponse({ type: [PageResponse] })
  async list(@CurrentShop() shopId: string): Promise<PageResponse[]> {
    return (await this.pages.list(shopId)).map((p) => PageResponse.of(p));
  }

  @Get(':pageId')
  @ApiOkResponse({ type: PageResponse })
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<PageResponse> {
    return PageResponse.of(await this.pages.getForShop(shopId, pageId));
  }

  @Patch(':pageId')
  async update(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: UpdatePageDto): Promise<PageResponse> {
    return PageResponse.of(await this.pages.update(shopId, pageId, dto));
  }

  @Delete(':pageId')
  @HttpCode(204)
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<void> {
    await this.pages.remove(shopId, pageId);
  }
}
