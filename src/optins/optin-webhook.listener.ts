import { Injectable, Logger } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import { MessengerEvents, type OptinEvent, type OptinStatusChangedEvent } from '../messenger/events/messenger-events';
import { OnMessengerEvent } from '../messenger/events/on-messenger-event';
import { PeopleService } from '../messenger/people/people.service';
import { PagesService } from '../pages/pages.service';
import { TopicsService } from '../topics/topics.service';
import { hashToken, SubscriptionsService } from './subscriptions.service';

/** Opt-in webhooks become subscriptions; STOP / RESUME flip them. Idempotent: the inbox may replay an event. */
@Injectable()
export class OptinWebhookListener {
  private readonly logger = new Logger(OptinWebhookListener.name);
  private readonly unregisteredWarnedAt = new Map<string, number>();

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly topics: TopicsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly people: PeopleService,
  ) {}

  @OnMessengerEvent(MessengerEvents.Optin)
  async onOptin(event: OptinEvent): Promise<void> {
    if (!(await this.pages.findById(event.pageId))) {
      this.warnOncePerHour(event.pageId, event.at);
      return;
    }
    const topic =
      (await this.topics.findForOptin(event.pageId, event.payload, event.title)) ??
      (await this.topics.findOrCreateForTitle(event.pageId, event.title ?? event.payload, event.payload));
    await this.people.recordSeen(event.pageId, event.psid, event.platform, event.at);
    const [request] = (await this.dataSource.query(
      `SELECT id FROM optin_requests WHERE page_id = ? AND psid = ? AND topic_id = ? AND status = 'sent' ORDER BY created_at DESC LIMIT 1`,
      [event.pageId, event.psid, topic.id],
    )) as Array<{ id: string }>;
    await this.subscriptions.recordOptin(
      {
        pageId: event.pageId,
        psid: event.psid,
        topicId: topic.id,
        token: event.token,
        timezone: event.timezone,
        userTokenStatus: event.userTokenStatus,
        frequency: event.frequency,
        tokenExpiresAt: event.tokenExpiresAt,
        at: event.at,
      },
      request?.id ?? null,
    );
  }

  /** A Page subscribed to our app but never registered here sends every tap: one line an hour says so. */
  private warnOncePerHour(pageId: string, at: Date): void {
    const last = this.unregisteredWarnedAt.get(pageId);
    if (last !== undefined && Math.abs(at.getTime() - last) < 3600_000) return;
    if (this.unregisteredWarnedAt.size >= 10_000) this.unregisteredWarnedAt.clear();
    this.unregisteredWarnedAt.set(pageId, at.getTime());
    this.logger.warn({ msg: 'opt-ins for a Page that is not registered are ignored', pageId });
  }

  /** Applied only when newer than the subscription's last status event (SubscriptionsService keeps the order). */
  @OnMessengerEvent(MessengerEvents.OptinStatusChanged)
  async onStatusChanged(event: OptinStatusChangedEvent): Promise<void> {
    const person = { pageId: event.pageId, psid: event.psid };
    if (event.token) {
      await this.subscriptions.recordStatusChange({ ...person, tokenHash: hashToken(event.token) }, event.status, event.at);
      return;
    }
    // Without a token, the payload or title names the topic; without either, it is about all of the person's topics.
    const topic = event.payload || event.title ? await this.topics.findForOptin(event.pageId, event.payload, event.title) : null;
    await this.subscriptions.recordStatusChange({ ...person, topicId: topic?.id }, event.status, event.at);
  }
}
