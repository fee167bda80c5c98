import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ErrorBody } from '../common/openapi';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { PagesService } from '../pages/pages.service';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import {
  CheckOptinQueryDto,
  CreateOptinRequestDto,
  OptinDecisionResponse,
  OptinHistoryItem,
  OptinHistoryQueryDto,
  OptinRequestSentResponse,
} from './dto/optin-request.dto';
import { OptinRequest } from './entities/optin-request.entity';
import { optinRefusalError } from './optin-refusal';
import { OptinService } from './optin.service';

@ApiTags('opt-in requests')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pages/:pageId/optin-requests')
export class OptinRequestsController {
  constructor(
    private readonly optins: OptinService,
    private readonly pages: PagesService,
    @InjectPluginDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Sends the topic's opt-in request (the MM button) to the person, or answers which rule refuses it. */
  @Post()
  @ApiResponse({ status: 201, type: OptinRequestSentResponse, description: 'Sent' })
  @ApiErrors(
    {
      status: 409,
      description:
        'Conflicts with what was sent, `error` = the rule: `already_subscribed`, `request_pending`, `same_title_within_7_days`, `instagram_titles_per_7_days`, `instagram_requests_per_day`; `details.retryAt` when it has one',
    },
    {
      status: 422,
      description:
        'Cannot be sent as things stand: `window_closed` (with `details.retryAt` when known), `topic_inactive`, `page_restricted`, `refused_by_meta`, `not_sendable`',
    },
  )
  @ApiResponse({
    status: 503,
    type: ErrorBody,
    description:
      '`platform_unavailable` (Meta unreachable) or `webhooks_pending` (deliveries about the person acknowledged to Meta but ' +
      'not applied within 5 s): nothing sent; ask again at or after `details.retryAt`.',
  })
  async send(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: CreateOptinRequestDto,
  ): Promise<OptinRequestSentResponse> {
    await this.pages.getForShop(shopId, pageId);
    const outcome = await this.optins.request({ pageId, psid: dto.psid, topicId: dto.topicId, source: 'api' });
    if (!outcome.sent) throw optinRefusalError(outcome);
    return { requestId: outcome.requestId, messageId: outcome.messageId, sentAt: outcome.sentAt.toISOString() };
  }

  /** What the policy would answer now (for a POS to grey out the button), without sending. */
  @Get('check')
  @ApiOkResponse({ type: OptinDecisionResponse })
  async check(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Query() query: CheckOptinQueryDto,
  ): Promise<OptinDecisionResponse> {
    await this.pages.getForShop(shopId, pageId);
    const decision = await this.optins.check({ pageId, psid: query.psid, topicId: query.topicId });
    return decision.allowed
      ? { allowed: true }
      : { allowed: false, rule: decision.rule, message: decision.message, retryAt: decision.retryAt?.toISOString() };
  }

  /** The requests sent or tried to one person, newest first (the history the limits are computed from). */
  @Get()
  @ApiOkResponse({ type: [OptinHistoryItem] })
  async history(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Query() query: OptinHistoryQueryDto,
  ): Promise<OptinHistoryItem[]> {
    await this.pages.getForShop(shopId, pageId);
    const rows = await this.dataSource
      .getRepository(OptinRequest)
      .find({ where: { pageId, psid: query.psid }, order: { createdAt: 'DESC' }, take: 100 });
    return rows.map((r) => ({
      id: r.id,
      topicId: r.topicId,
      title: r.title,
      status: r.status,
      source: r.source,
      errorKind: r.errorKind,
      createdAt: r.createdAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
    }));
  }
}
