import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreatePageDto, PageResponse, UpdatePageDto } from './dto/page.dto';
import { PagesService } from './pages.service';

@ApiTags('pages')
@ShopScoped()
@ApiErrors(400)
@Controller('api/pages')
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Post()
  @ApiCreatedResponse({ type: PageResponse })
  @ApiErrors(
    { status: 409, description: '`page_exists`: this shop already holds the Page' },
    {
      status: 422,
      description: '`token_not_for_page` (accessToken) or `token_cannot_use_ad_account` (systemUserToken): Meta does not confirm the token',
    },
    {
      status: 503,
      description:
        '`meta_unavailable` (Meta could not be asked) or `page_registration_busy` (another request is registering it): try again',
    },
  )
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
  @ApiErrors(404)
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<PageResponse> {
    return PageResponse.of(await this.pages.getForShop(shopId, pageId));
  }

  @Patch(':pageId')
  @ApiOkResponse({ type: PageResponse })
  @ApiErrors(
    404,
    { status: 409, description: '`page_transferred`: another shop holds the Page now' },
    { status: 422, description: '`token_not_for_page` or `token_cannot_use_ad_account`: Meta does not confirm the new token' },
    { status: 503, description: '`meta_unavailable`: Meta could not be asked; nothing changed' },
  )
  async update(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: UpdatePageDto): Promise<PageResponse> {
    return PageResponse.of(await this.pages.update(shopId, pageId, dto));
  }

  @Delete(':pageId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, { status: 409, description: '`page_in_use`: its customers have history (`details.heldBy` names the tables)' })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<void> {
    await this.pages.remove(shopId, pageId);
  }
}
