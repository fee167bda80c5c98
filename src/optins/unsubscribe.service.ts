import { Injectable, Logger } from '@nestjs/common';
import { GraphApiClient, type UnsubscribeRecipient } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { notFound } from '../common/domain-error';
import { PagesService } from '../pages/pages.service';
import type { UnsubscribeDto, UnsubscribeResponse } from './dto/subscriber.dto';
import { SubscriptionsService } from './subscriptions.service';

/**
 * A customer asked the shop to stop. The rows become `unsubscribed` first (so nothing of ours addresses
 * them again, whatever Meta answers), then Meta's Page-level unsubscribe is called. Meta unsubscribes the
 * person from the whole Page, so a PSID unsubscribes all their topics.
 */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger(UnsubscribeService.name);

  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly pages: PagesService,
    private readonly graph: GraphApiClient,
    private readonly clock: Clock,
  ) {}

  async unsubscribe(pageId: string, dto: UnsubscribeDto): Promise<UnsubscribeResponse> {
    const one = dto.subscriptionId ? await this.subscriptions.get(pageId, dto.subscriptionId) : null;
    if (dto.subscriptionId && !one) throw notFound('Subscription', 'subscriptionId');
    const psid = dto.psid ?? one?.psid ?? null;
    const rows = psid ? await this.subscriptions.forPerson(pageId, psid) : [one!];
    if (rows.length === 0) throw notFound('Subscriber', dto.psid ? 'psid' : 'subscriptionId');
    await this.subscriptions.markUnsubscribed(
      rows.filter((r) => r.status !== 'unsubscribed').map((r) => r.id),
      this.clock.now(),
    );
    const recipients: UnsubscribeRecipient[] = psid ? [{ psid }] : [{ subscriptionToken: this.subscriptions.decryptToken(one!) }];
    const { accessToken } = await this.pages.credentials(pageId);
    const result = await this.graph.unsubscribe(accessToken, pageId, recipients);
    if (!result.ok) {
      this.logger.warn({ msg: "Meta's unsubscribe failed; the customer stays unsubscribed here", pageId, kind: result.error.kind });
      return { unsubscribed: rows.length, meta: 'failed', metaError: result.error.kind };
    }
    return { unsubscribed: rows.length, meta: 'done' };
  }
}
