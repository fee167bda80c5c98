import { Controller, Param, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';
import { CampaignProgress } from './dto/campaign.dto';
import { Observable } from 'rxjs';
import { CurrentShop, ShopScoped } from '../shops/api-key.guard';
import { CampaignsService } from './campaigns.service';

/** How often the server looks at a streamed campaign's rows; a look that finds no change sends nothing. */
export const PROGRESS_CHECK_MS = 1_000;
/** A comment line now and then so proxies keep an idle stream open. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Live campaign progress as server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 * one `progress` event with the same body as `GET …/progress` at once, then one each time it changes
 * (sends, deliveries, reads, status), and the stream ends after the event that shows the campaign
 * completed or canceled. The server checks the rows every PROGRESS_CHECK_MS, so any number of workers may
 * do the sending; the browser does no polling. 404 before the stream starts when the campaign is not the shop's.
 */
@ApiTags('broadcasts')
@ShopScoped()
@Controller('api/pages/:pageId')
export class CampaignProgressStreamController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Sse('campaigns/:id/progress/stream')
  @ApiOkResponse({
    type: CampaignProgress,
    description: 'Content type text/event-stream: `progress` events, each data a CampaignProgress (the schema here)',
  })
  @ApiErrors(404)
  async stream(@CurrentShop() shopId: string, @Param('pageId') pageId: string, @Param('id') id: string): Promise<Observable<MessageEvent>> {
    const first = await this.campaigns.progress(shopId, pageId, id);
    return new Observable<MessageEvent>((subscriber) => {
      let last = '';
      let busy = false;
      let idleSince = Date.now();
      const push = (progress: typeof first): void => {
        const body = JSON.stringify(progress);
        if (body !== last) {
          last = body;
          idleSince = Date.now();
          subscriber.next({ type: 'progress', data: progress });
        } else if (Date.now() - idleSince >= KEEP_ALIVE_MS) {
          idleSince = Date.now();
          subscriber.next({ type: 'keep-alive', data: '' });
        }
        if (progress.status === 'completed' || progress.status === 'canceled') subscriber.complete();
      };
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        this.campaigns
          .progress(shopId, pageId, id)
          .then(push, (error: unknown) => subscriber.error(error))
          .finally(() => (busy = false));
      }, PROGRESS_CHECK_MS);
      push(first);
      return () => clearInterval(timer);
    });
  }
}
