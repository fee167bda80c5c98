import type { GraphApiClient, GraphResult, SubscriptionTokenPage } from '../../libs/graph-api/src';
import { ManualClock } from '../common/clock';
import type { UnrecognisedValues } from '../messenger/unrecognised/unrecognised-values.service';
import type { PagesService } from '../pages/pages.service';
import type { TopicsService } from '../topics/topics.service';
import { SubscriberImportService } from './subscriber-import.service';
import type { SubscriptionsService, TokenFacts } from './subscriptions.service';

describe('SubscriberImportService', () => {
  it('imports a listed token whose times or status Meta sent in a form it cannot read, without them, and keeps each value for inspection', async () => {
    const page: GraphResult<SubscriptionTokenPage> = {
      ok: true,
      value: {
        items: [
          {
            token: 'tok-1',
            psid: '7100000000001',
            topicTitle: 'Deals',
            unrecognised: [
              { field: 'token_expiry_timestamp', value: 'never' },
              { field: 'user_token_status', value: 'PAUSED' },
            ],
          },
        ],
      },
    };
    const graph = {
      async *iterateSubscriptionTokens() {
        yield page;
      },
    } as unknown as GraphApiClient;
    const upserted: TokenFacts[] = [];
    const subscriptions = {
      upsertListed: async (facts: TokenFacts[]) => {
        upserted.push(...facts);
        return { created: facts.length, seen: facts.length };
      },
    } as unknown as SubscriptionsService;
    const recorded: string[][] = [];
    const unrecognised = { record: async (...args: string[]) => void recorded.push(args) } as unknown as UnrecognisedValues;
    const pages = { credentials: async () => ({ accessToken: 'page-token' }) } as unknown as PagesService;
    const topics = { findOrCreateForTitle: async () => ({ id: 'topic-1' }) } as unknown as TopicsService;
    const clock = new ManualClock(Date.parse('2026-06-01T02:00:00Z'));

    const result = await new SubscriberImportService(graph, pages, topics, subscriptions, clock, unrecognised).importPage(
      '104857361234567',
    );

    expect(result).toMatchObject({ listed: 1, created: 1 });
    expect(upserted).toEqual([expect.objectContaining({ token: 'tok-1', tokenExpiresAt: null, userTokenStatus: null, at: clock.now() })]);
    expect(recorded).toEqual([
      ['104857361234567', 'notification_message_tokens.token_expiry_timestamp', 'never'],
      ['104857361234567', 'notification_message_tokens.user_token_status', 'PAUSED'],
    ]);
  });
});
