import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateRuleDto, RuleEventResponse, RuleEventsQuery, RuleResponse, RuleStatsResponse, UpdateRuleDto } from './dto/rule.dto';
import { RuleStatsService } from './rule-stats.service';
import { RulesService } from './rules.service';

const NO_OPTIN_STEP = {
  status: 422,
  description: "`sequence_lacks_optin_step`: the sequence has no `optin` step for the rule's topic (field `sequenceId`)",
};

@ApiTags('pos-notification-rules')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pos-notification-rules')
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly stats: RuleStatsService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: RuleResponse, description: 'Created inactive: activate it to act on order events' })
  @ApiErrors(NO_OPTIN_STEP)
  async create(@CurrentShop() shopId: string, @Body() dto: CreateRuleDto): Promise<RuleResponse> {
    return RuleResponse.of(await this.rules.create(shopId, dto));
  }

  @Get()
  @ApiQuery({ name: 'pageId', required: false })
  @ApiOkResponse({ type: [RuleResponse] })
  async list(@CurrentShop() shopId: string, @Query('pageId') pageId?: string): Promise<RuleResponse[]> {
    return (await this.rules.list(shopId, pageId)).map((r) => RuleResponse.of(r));
  }

  @Get(':ruleId')
  @ApiOkResponse({ type: RuleResponse })
  async get(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string): Promise<RuleResponse> {
    return RuleResponse.of(await this.rules.get(shopId, ruleId));
  }

  @Patch(':ruleId')
  @ApiOkResponse({ type: RuleResponse })
  @ApiErrors(NO_OPTIN_STEP)
  async update(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string, @Body() dto: UpdateRuleDto): Promise<RuleResponse> {
    return RuleResponse.of(await this.rules.update(shopId, ruleId, dto));
  }

  @Post(':ruleId/activate')
  @HttpCode(200)
  @ApiOkResponse({ type: RuleResponse })
  async activate(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string): Promise<RuleResponse> {
    return RuleResponse.of(await this.rules.setActive(shopId, ruleId, true));
  }

  @Post(':ruleId/deactivate')
  @HttpCode(200)
  @ApiOkResponse({ type: RuleResponse })
  async deactivate(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string): Promise<RuleResponse> {
    return RuleResponse.of(await this.rules.setActive(shopId, ruleId, false));
  }

  @Delete(':ruleId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string): Promise<void> {
    await this.rules.remove(shopId, ruleId);
  }

  @Get(':ruleId/stats')
  @ApiOkResponse({ type: RuleStatsResponse })
  async ruleStats(@CurrentShop() shopId: string, @Param('ruleId') ruleId: string): Promise<RuleStatsResponse> {
    return this.stats.stats(await this.rules.get(shopId, ruleId));
  }

  /** The latest 100 order events of the rule (`?outcome=skipped`: the customers who got no button, and why). */
  @Get(':ruleId/events')
  @ApiOkResponse({ type: [RuleEventResponse] })
  async events(
    @CurrentShop() shopId: string,
    @Param('ruleId') ruleId: string,
    @Query() query: RuleEventsQuery,
  ): Promise<RuleEventResponse[]> {
    const rule = await this.rules.get(shopId, ruleId);
    return (await this.stats.events(rule.id, query.outcome)).map((e) => RuleEventResponse.of(e));
  }
}
