import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../common/domain-error';
import { GraphEndpoint } from '../common/graph-endpoint';
import { ShopsService } from '../shops/shops.service';
import { DemoShopAvailability, DemoShopDto, DemoShopResponse } from './dto/sandbox.dto';
import { ApiErrors } from '../common/openapi';

/**
 * The one unauthenticated write route: in the local run against the bundled sandbox only (no Meta
 * credentials, nothing real to reach), the console's sign-in offers to create a shop, so someone who
 * has just run `npm start` can sign in without the CLI. Against a real Graph URL: 409 `sandbox_only`,
 * nothing created; shops are then made with `npm run cli -- create-shop`.
 */
@ApiTags('console')
@Controller('api/sandbox/demo-shop')
export class DemoShopController {
  constructor(
    private readonly graph: GraphEndpoint,
    private readonly shops: ShopsService,
  ) {}

  /** `{ available }`: whether the sign-in screen may offer a demo shop. */
  @Get()
  @ApiOkResponse({ type: DemoShopAvailability })
  @ApiErrors(500)
  available(): { available: boolean } {
    return { available: this.graph.bundledSandbox !== undefined };
  }

  @Post()
  @ApiOkResponse({ type: DemoShopResponse })
  @ApiErrors(400, { status: 409, description: '`sandbox_only`: a real Graph URL is configured' }, 500)
  async create(@Body() dto: DemoShopDto): Promise<DemoShopResponse> {
    if (!this.graph.bundledSandbox) throw new DomainError(409, 'sandbox_only', 'Demo shops exist only in the local sandbox run');
    const locale = dto.locale ?? 'en-PH';
    const { shop, apiKey } = await this.shops.createShop(dto.name, { locale, currency: locale === 'vi-VN' ? 'VND' : 'PHP' });
    return { shopId: shop.id, apiKey };
  }
}
