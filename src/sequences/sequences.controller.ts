import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { RunResponse, StartRunDto } from './dto/run.dto';
import { CreateSequenceDto, SequenceResponse, UpdateSequenceDto } from './dto/sequence.dto';
import { SequenceRuns } from './runs/sequence-runs.service';
import { SequencesService } from './sequences.service';

@ApiTags('sequences')
@ShopScoped()
@ApiErrors(400, 404)
@Controller('api/pages/:pageId/sequences')
export class SequencesController {
  constructor(
    private readonly sequences: SequencesService,
    private readonly runs: SequenceRuns,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: SequenceResponse })
  async create(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: CreateSequenceDto): Promise<SequenceResponse> {
    const { sequence, steps } = await this.sequences.create(shopId, pageId, dto);
    return SequenceResponse.of(sequence, steps);
  }

  @Get()
  @ApiOkResponse({ type: [SequenceResponse] })
  async list(@CurrentShop() shopId: string, @Param('pageId') pageId: string): Promise<SequenceResponse[]> {
    return (await this.sequences.list(shopId, pageId)).map(({ sequence, steps }) => SequenceResponse.of(sequence, steps));
  }

  @Get(':sequenceId')
  @ApiOkResponse({ type: SequenceResponse })
  async get(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('sequenceId') sequenceId: string,
  ): Promise<SequenceResponse> {
    const { sequence, steps } = await this.sequences.get(shopId, pageId, sequenceId);
    return SequenceResponse.of(sequence, steps);
  }

  @Patch(':sequenceId')
  @ApiOkResponse({ type: SequenceResponse })
  async update(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('sequenceId') sequenceId: string,
    @Body() dto: UpdateSequenceDto,
  ): Promise<SequenceResponse> {
    const { sequence, steps } = await this.sequences.update(shopId, pageId, sequenceId, dto);
    return SequenceResponse.of(sequence, steps);
  }

  @Delete(':sequenceId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ status: 409, description: '`sequence_in_use`: a POS notification rule uses it' })
  async remove(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('sequenceId') sequenceId: string): Promise<void> {
    await this.sequences.remove(shopId, pageId, sequenceId);
  }

  /** Sends the sequence to one person now (its steps then follow their delays). */
  @Post(':sequenceId/runs')
  @ApiCreatedResponse({ type: RunResponse, description: 'The run, its first step due now' })
  async start(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('sequenceId') sequenceId: string,
    @Body() dto: StartRunDto,
  ): Promise<RunResponse> {
    await this.sequences.get(shopId, pageId, sequenceId);
    const runId = await this.runs.start({ sequenceId, pageId, psid: dto.psid, source: 'api', order: dto.order });
    const { run, steps } = await this.runs.get(sequenceId, runId);
    return RunResponse.of(run, steps);
  }

  @Get(':sequenceId/runs/:runId')
  @ApiOkResponse({ type: RunResponse })
  async run(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Param('sequenceId') sequenceId: string,
    @Param('runId') runId: string,
  ): Promise<RunResponse> {
    await this.sequences.get(shopId, pageId, sequenceId);
    const { run, steps } = await this.runs.get(sequenceId, runId);
    return RunResponse.of(run, steps);
  }
}
