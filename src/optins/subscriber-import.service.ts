import { Injectable, Logger } from '@nestjs/common';
import { GraphApiClient } from '../../libs/graph-api/src';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { UnrecognisedValues } from '../messenger/unrecognised/unrecognised-values.service';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { SubscriptionsService, type TokenFacts } from './subscriptions.service';

export interface ImportResult {
  listed: number;
  created: number;
  pages: number;
  /** Set by a reconcile: active tokens Meta no longer lists, now `unlisted`. */
  unlisted?: number;
}

/**
 * Pulls a Page's subscription tokens from Meta (`notification_message_tokens`, every cursor page), so
 * subscribers who opted in before the plugin was installed are known; a reconcile also marks the
 * tokens Meta stopped listing. Memory holds one page of the listing at a time.
 */
@Injectable()
export class SubscriberImportService {
  private readonly logger = new Logger(SubscriberImportService.name);

  constructor(
    private readonly graph: GraphApiClient,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
    private readonly unrecognised: UnrecognisedValues,
  ) {}

  async importPage(pageId: string, { reconcile = false } = {}): Promise<ImportResult> {
    const credentials = await this.pages.credentials(pageId);
    const startedAt = this.clock.now();
    const topicIds = new Map<string, string>();
    const result: ImportResult = { listed: 0, created: 0, pages: 0 };
    for await (const page of this.graph.iterateSubscriptionTokens(credentials.accessToken, pageId, { pageSize: 1000 })) {
      if (!page.ok) {
        // A listing cut short proves nothing about the tokens not yet seen: never reconcile on it.
        throw new DomainError(502, 'meta_listing_failed', `Meta's token listing failed after ${result.pages} pages: ${page.error.kind}`, {
          graphError: page.error.kind,
          imported: result,
        });
      }
      const facts: TokenFacts[] = [];
      for (const item of page.value.items) {
        // A value the client could not read was left out of the item (the row stays as the rest says): kept for inspection.
        for (const { field, value } of item.unrecognised ?? [])
          await this.unrecognised.record(pageId, `notification_message_tokens.${field}`, value);
        const title = item.topicTitle ?? 'Updates and promotions';
        let topicId = topicIds.get(title);
        if (!topicId) {
          topicId = (await this.topics.findOrCreateForTitle(pageId, title)).id;
          topicIds.set(title, topicId);
        }
        facts.push({
          pageId,
          psid: item.psid ?? null,
          topicId,
          token: item.token,
          timezone: item.timezone ?? null,
          userTokenStatus: item.userTokenStatus ?? null,
          tokenExpiresAt: item.expiresAt ?? null,
          at: item.createdAt ?? startedAt,
        });
      }
      const { created } = await this.subscriptions.upsertListed(facts, startedAt);
      result.listed += facts.length;
      result.created += created;
      result.pages += 1;
    }
    if (reconcile) result.unlisted = await this.subscriptions.markUnlisted(pageId, startedAt);
    this.logger.log({ msg: reconcile ? 'subscribers reconciled' : 'subscribers imported', pageId, ...result });
    return result;
  }
}
