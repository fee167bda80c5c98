import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CreateFlowDto, FlowResponse, FlowRunResponse, StartFlowRunDto, UpdateFlowDto } from './dto/flow.dto';
import { FlowsService } from './flows.service';

@ApiTags('flows')
@ApiErrors(400, 404)
@ShopScoped()
@Controller('api/pages/:pageId/flows')
export class FlowsController {
  constructor(private readonly flows: FlowsService) {}

  @Post()
  @ApiCreatedResponse({ type: FlowResponse })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateFlowDto): Promise<FlowResponse> {
    const { flow, version, graph } = await this.flows.create(shopId, pageId, dto);
    return FlowResponse.of(flow, version, graph);
  }

  @Get()
  @ApiOkResponse({ type: [FlowResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<FlowResponse[]> {
    return (await this.flows.list(shopId, pageId)).map(({ flow, version, graph }) => FlowResponse.of(flow, version, graph));
  }

  @Get(':flowId')
  @ApiOkResponse({ type: FlowResponse })
  async get(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('flowId') flowId: string): Promise<FlowResponse> {
    const { flow, version, graph } = await this.flows.get(shopId, pageId, flowId);
    return FlowResponse.of(flow, version, graph);
  }

  /** New nodes make a new version; conversations under way keep following theirs. */
  @Patch(':flowId')
  @ApiOkResponse({ type: FlowResponse, description: 'A new version; runs under way keep theirs' })
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('flowId') flowId: string,
    @Body() dto: UpdateFlowDto,
  ): Promise<FlowResponse> {
    const { flow, version, graph } = await this.flows.update(shopId, pageId, flowId, dto);
    return FlowResponse.of(flow, version, graph);
  }

  /** Sends the flow's current version to one person now (the API entry point). */
  @Post(':flowId/runs')
  @ApiCreatedResponse({ type: FlowRunResponse })
  async start(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('flowId') flowId: string,
    @Body() dto: StartFlowRunDto,
  ): Promise<FlowRunResponse> {
    const { run, steps } = await this.flows.startRun(shopId, pageId, flowId, dto);
    return FlowRunResponse.of(run, steps);
  }

  @Get(':flowId/runs/:runId')
  @ApiOkResponse({ type: FlowRunResponse })
  async run(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('flowId') flowId: string,
    @Param('runId') runId: string,
  ): Promise<FlowRunResponse> {
    const { run, steps } = await this.flows.getRun(shopId, pageId, flowId, runId);
    return FlowRunResponse.of(run, steps);
  }
}
