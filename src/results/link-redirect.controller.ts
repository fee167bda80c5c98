import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { REDIRECT_PATH } from './campaign-messages';
import { LinkClicksService } from './link-clicks.service';

/** Meta's link crawlers (App Links, previews) follow URLs too: they are sent on without counting a click. */
const CRAWLER = /facebookexternalhit|facebot|facebookcatalog|meta-externalagent/i;

/**
 * The public redirect of tracked links: `GET /r/:code` answers 302 to the shop's URL (with the
 * campaign's UTM parameters) and records the click; an unknown, malformed or forged code is a 404.
 * No API key: the customer's browser follows it. Nothing about the shop or customer is in the answer.
 */
@ApiExcludeController()
@Controller(REDIRECT_PATH)
export class LinkRedirectController {
  constructor(private readonly clicks: LinkClicksService) {}

  @Get(':code')
  async follow(@Param('code') code: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // Express answers HEAD with this GET route: a HEAD (a link check) counts nothing.
    await this.answer(code, req.method === 'GET' && !CRAWLER.test(req.get('user-agent') ?? ''), res);
  }

  private async answer(code: string, record: boolean, res: Response): Promise<void> {
    const target = await this.clicks.follow(code, record);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!target) {
      res.status(404).type('text/plain').send('This link is not known.');
      return;
    }
    res.redirect(302, target);
  }
}
