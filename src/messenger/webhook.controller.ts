import { Controller, ForbiddenException, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';
import { GraphEndpoint } from '../common/graph-endpoint';
import { WebhookIntake } from './inbox/webhook-intake.service';
import { isValidSignature } from './inbox/webhook-signature';

/** Meta's side of the plugin: the verification handshake and signed deliveries. */
@ApiExcludeController()
@Controller('webhooks/messenger')
export class WebhookController {
  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly endpoint: GraphEndpoint,
    private readonly intake: WebhookIntake,
  ) {}

  @Get()
  verify(
    @Query('hub.mode') mode: string,
    @Query('hub.verify_token') token: string,
    @Query('hub.challenge') challenge: string,
    @Res() res: Response,
  ): void {
    if (mode !== 'subscribe' || token !== this.config.verifyToken || !challenge) throw new ForbiddenException('verification failed');
    res.type('text/plain').send(challenge);
  }

  /**
   * 200 only once the delivery is stored; processing happens after. A missing or wrong signature is a
   * 403 and nothing is stored.
   */
  @Post()
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>): Promise<{ received: true }> {
    const raw = req.rawBody;
    if (!raw || !isValidSignature(raw, req.header('x-hub-signature-256'), this.endpoint.appSecret)) {
      throw new ForbiddenException('invalid X-Hub-Signature-256');
    }
    await this.intake.accept(raw);
    return { received: true };
  }
}
