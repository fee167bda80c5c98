import { Controller, ForbiddenException, Get, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AppConfig } from '../../config/app-config';
import { InjectConfig } from '../common/app-config.provider';

/** Meta's verification handshake. Signed deliveries (POST) are served by WebhookReceiver, in front of Nest. */
@ApiExcludeController()
@Controller('webhooks/messenger')
export class WebhookController {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

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
}
