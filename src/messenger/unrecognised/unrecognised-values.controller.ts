import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi';
import { PagesService } from '../../pages/pages.service';
import { CurrentShop, ShopScoped } from '../../shops/api-key.guard';
import { UnrecognisedValuesResponse, UnrecognisedValueResponse } from './unrecognised-values.dto';
import { UnrecognisedValues } from './unrecognised-values.service';

@ApiTags('messenger')
@ShopScoped()
@Controller('api/pages/:pageId/unrecognised-values')
export class UnrecognisedValuesController {
  constructor(
    private readonly pages: PagesService,
    private readonly values: UnrecognisedValues,
  ) {}

  /** What Meta sent for this Page that we did not recognise (and so applied nothing of). */
  @Get()
  @ApiOperation({
    summary: 'Values Meta sent that the plugin did not recognise (unknown statuses, unreadable times): each changed nothing',
  })
  @ApiOkResponse({ type: UnrecognisedValuesResponse })
  @ApiErrors(404)
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<UnrecognisedValuesResponse> {
    await this.pages.getForShop(shopId, pageId);
    return { items: (await this.values.list(pageId)).map((row) => UnrecognisedValueResponse.of(row)) };
  }
}
