import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { notFound } from '../common/domain-error';
import { MetaUnsubscribeResponse, type UnsubscribeDto, type UnsubscribeResponse } from './dto/subscriber.dto';
import { MetaUnsubscriber } from './meta-unsubscriber';
import { SubscriptionsService } from './subscriptions.service';

/**
 * A customer asked the shop to stop. The rows become `unsubscribed` first (so nothing of ours addresses
 * them again, whatever Meta answers), then Meta's Page-level unsubscribe is called through MetaUnsubscriber,
 * which keeps the call's state on the rows (pending, done, failed with the reason) and retries it. Meta
 * unsubscribes the person from the whole Page, so a PSID unsubscribes all their topics.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly metaUnsubscriber: MetaUnsubscriber,
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
    const state = await this.metaUnsubscriber.request(pageId, rows, psid ? 'psid' : 'token');
    return { unsubscribed: rows.length, meta: MetaUnsubscribeResponse.of(state) };
  }
}
