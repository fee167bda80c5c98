import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SandboxControlError, type SandboxControl } from '../../libs/messenger-sandbox/src';
import { CampaignWarmUp } from '../broadcasts/campaign-warm-up';
import { DomainError } from '../common/domain-error';
import { GraphEndpoint } from '../common/graph-endpoint';
import { PagesService } from '../pages/pages.service';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import {
  DemoWarmUpDto,
  ReceivedMessageResponse,
  SandboxStateResponse,
  SimulatedCustomerDto,
  SimulatedMessageDto,
  SimulatedMessageResponse,
  SimulatedOptinResponse,
  TokensFlippedResponse,
} from './dto/sandbox.dto';
import { ApiErrors } from '../common/openapi';

/**
 * The console's customer simulator and demo setting, for the local run against the bundled sandbox
 * only: the browser cannot reach the sandbox's control API (another port, no key), so these routes
 * play the customer there for a Page of the calling shop. Against a real Graph URL every write answers
 * 409 `sandbox_only` and nothing is done.
 */
@ApiTags('console')
@ApiErrors(400, 404, { status: 409, description: '`sandbox_only` (a real Graph URL is configured) or `nothing_to_tap`' })
@ShopScoped()
@Controller('api/sandbox')
export class SandboxSimulatorController {
  constructor(
    private readonly graph: GraphEndpoint,
    private readonly warmUp: CampaignWarmUp,
    private readonly pages: PagesService,
  ) {}

  @Get()
  @ApiOkResponse({ type: SandboxStateResponse })
  state(): SandboxStateResponse {
    return this.warmUp.state();
  }

  /** The demo warm-up (seconds); 409 `sandbox_only` when a real Graph URL is configured. */
  @Put('warm-up')
  @ApiOkResponse({ type: SandboxStateResponse })
  async setWarmUp(@Body() dto: DemoWarmUpDto): Promise<SandboxStateResponse> {
    await this.warmUp.setDemo(dto.warmUpSeconds >= 3600 ? null : dto.warmUpSeconds * 1000);
    return this.warmUp.state();
  }

  /** The customer writes to the Page (opens the 24-hour window). */
  @Post('pages/:pageId/customer/message')
  @ApiOkResponse({ type: SimulatedMessageResponse })
  @HttpCode(200)
  async message(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: SimulatedMessageDto): Promise<object> {
    const sandbox = await this.sandboxFor(shopId, pageId);
    return control(() => sandbox.personMessage({ pageId, psid: dto.psid, text: dto.text }));
  }

  /** The customer taps the MM button of the last opt-in request the Page sent them. */
  @Post('pages/:pageId/customer/optin')
  @ApiOkResponse({ type: SimulatedOptinResponse })
  @HttpCode(200)
  async optin(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Body() dto: SimulatedCustomerDto): Promise<object> {
    const sandbox = await this.sandboxFor(shopId, pageId);
    const { title, payload } = await control(() => sandbox.personOptin({ pageId, psid: dto.psid }));
    return { title, payload };
  }

  /** The customer sends STOP (every marketing subscription of theirs on the Page stops). */
  @Post('pages/:pageId/customer/stop')
  @ApiOkResponse({ type: TokensFlippedResponse })
  @HttpCode(200)
  async stop(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: SimulatedCustomerDto,
  ): Promise<{ tokens: number }> {
    const sandbox = await this.sandboxFor(shopId, pageId);
    const { tokens } = await control(() => sandbox.personStop({ pageId, psid: dto.psid }));
    return { tokens: tokens.length };
  }

  /** The customer sends RESUME. */
  @Post('pages/:pageId/customer/resume')
  @ApiOkResponse({ type: TokensFlippedResponse })
  @HttpCode(200)
  async resume(
    @CurrentShop() shopId: string,
    @Param('pageId') pageId: string,
    @Body() dto: SimulatedCustomerDto,
  ): Promise<{ tokens: number }> {
    const sandbox = await this.sandboxFor(shopId, pageId);
    const { tokens } = await control(() => sandbox.personResume({ pageId, psid: dto.psid }));
    return { tokens: tokens.length };
  }

  /** What the customer received from the Page, oldest first: `[{ type, time, message }]` (never a token). */
  @Get('pages/:pageId/customer/received')
  @ApiOkResponse({ type: [ReceivedMessageResponse] })
  async received(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Query() query: SimulatedCustomerDto): Promise<object[]> {
    const sandbox = await this.sandboxFor(shopId, pageId);
    const items = await control(() => sandbox.received(pageId, query.psid));
    return items.map(({ source, type, time, message }) => ({ source, type, time, message }));
  }

  private async sandboxFor(shopId: string, pageId: string): Promise<SandboxControl> {
    const sandbox = this.graph.bundledSandbox;
    if (!sandbox) throw new DomainError(409, 'sandbox_only', 'The customer simulator works only against the bundled sandbox');
    await this.pages.getForShop(shopId, pageId);
    return sandbox;
  }
}

/** A sandbox refusal as the API's error body: 409 `nothing_to_tap` (no opt-in request to tap), 404 unknown Page. */
async function control<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof SandboxControlError && error.status === 409)
      throw new DomainError(409, 'nothing_to_tap', 'The Page has sent this customer no MM button to tap', { field: 'psid' });
    if (error instanceof SandboxControlError && error.status === 404)
      throw new DomainError(404, 'not_found', 'Page not found in the sandbox', { field: 'pageId' });
    throw error;
  }
}
