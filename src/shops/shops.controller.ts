import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from './api-key.guard';
import { ShopResponse, UpdateShopDto } from './dto/shop.dto';
import { ShopsService } from './shops.service';

/** The shop of the calling API key: its name, locale and currency. */
@ApiTags('shop')
@ShopScoped()
@Controller('api/shop')
export class ShopsController {
  constructor(private readonly shops: ShopsService) {}

  @Get()
  @ApiOkResponse({ type: ShopResponse })
  async get(@CurrentShop() shopId: string): Promise<ShopResponse> {
    return ShopResponse.of(await this.shops.get(shopId));
  }

  @Patch()
  @ApiOkResponse({ type: ShopResponse })
  @ApiErrors(400)
  async update(@CurrentShop() shopId: string, @Body() dto: UpdateShopDto): Promise<ShopResponse> {
    return ShopResponse.of(await this.shops.update(shopId, dto));
  }
}
