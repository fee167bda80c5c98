import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { Clock } from '../common/clock';
import { PagesService } from '../pages/pages.service';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { TopicsService } from '../topics/topics.service';
import {
  ImportResultResponse,
  ListSubscribersQueryDto,
  SubscriberPageResponse,
  SubscriberResponse,
  UnsubscribeDto,
  UnsubscribeResponse,
} from './dto/subscriber.dto';
import { SubscriberImportService, type ImportResult } from './subscriber-import.service';
import { SubscriptionsService } from './subscriptions.service';
import { UnsubscribeService } from './unsubscribe.service';

const META_LISTING_FAILED = {
  status: 502,
  description: "`meta_listing_failed`: Meta's token listing failed part way; what was read is kept, run it again",
};

@ApiTags('subscribers')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pages/:pageId')
export class SubscribersController {
  constructor(
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly importer: SubscriberImportService,
    private readonly unsubscriber: UnsubscribeService,
    private readonly clock: Clock,
  ) {}

  /** A topic's subscribers, keyset-paginated, never with their tokens. */
  @Get('topics/:topicId/subscribers')
  @ApiOkResponse({ type: SubscriberPageResponse })
  async list(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('topicId') topicId: string,
    @Query() query: ListSubscribersQueryDto,
  ): Promise<SubscriberPageResponse> {
    const { counts } = await this.topics.getWithCounts(shopId, pageId, topicId);
    const at = this.clock.now();
    const page = await this.subscriptions.listForTopic(topicId, query.status, query.limit ?? 50, query.after, at);
    return { items: page.items.map((s) => SubscriberResponse.of(s, at)), nextCursor: page.nextCursor, counts };
  }

  /** Pulls the Page's existing subscribers from Meta (all pages of the listing). */
  @Post('subscribers/import')
  @HttpCode(200)
  @ApiOkResponse({ type: ImportResultResponse })
  @ApiErrors(META_LISTING_FAILED)
  async import(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<ImportResult> {
    await this.pages.getForShop(shopId, pageId);
    return this.importer.importPage(pageId);
  }

  /** Import, then mark as `unlisted` the active subscribers Meta no longer lists. */
  @Post('subscribers/reconcile')
  @HttpCode(200)
  @ApiOkResponse({ type: ImportResultResponse })
  @ApiErrors(META_LISTING_FAILED)
  async reconcile(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<ImportResult> {
    await this.pages.getForShop(shopId, pageId);
    return this.importer.importPage(pageId, { reconcile: true });
  }

  /** The customer asked to stop: unsubscribed here for good, and at Meta. */
  @Post('subscribers/unsubscribe')
  @HttpCode(200)
  @ApiOkResponse({ type: UnsubscribeResponse })
  async unsubscribe(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: UnsubscribeDto,
  ): Promise<UnsubscribeResponse> {
    await this.pages.getForShop(shopId, pageId);
    return this.unsubscriber.unsubscribe(pageId, dto);
  }
}
