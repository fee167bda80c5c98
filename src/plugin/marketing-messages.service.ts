import { Injectable, type Type } from '@nestjs/common';
import { Clock } from '../common/clock';
import { createValidationPipe } from '../common/validation.pipe';
import { CreateOptinRequestDto } from '../optins/dto/optin-request.dto';
import { SubscriberResponse } from '../optins/dto/subscriber.dto';
import type { OptinRequestOutcome } from '../optins/optin-outcome';
import { OptinService } from '../optins/optin.service';
import { SubscriptionsService } from '../optins/subscriptions.service';
import { PagesService } from '../pages/pages.service';
import type { OrderEventResult } from '../pos-notifications/dto/order-event.dto';
import type { PosOrderStatusChanged } from '../pos-notifications/pos-order-events';
import { PosOrderEventsListener } from '../pos-notifications/pos-order-events.listener';
import { RunResponse, StartRunDto, type OrderFieldsDto } from '../sequences/dto/run.dto';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import { SequencesService } from '../sequences/sequences.service';
import { ShopsService, type CreatedShop } from '../shops/shops.service';

/** An order's status changed in the POS: the fields of POST /api/pos/order-events, with the shop. */
export type OrderEventInput = PosOrderStatusChanged;

/** Send a topic's opt-in request (the MM button) to one customer of a shop's Page. */
export interface OptinRequestCall {
  shopId: string;
  /** The Page's id at Meta. */
  pageId: string;
  /** PSID (Facebook) or IGSID (Instagram), digits. */
  psid: string;
  topicId: string;
}

/** Start a sequence for one customer now (its steps then follow their delays). */
export interface SequenceRunCall {
  shopId: string;
  pageId: string;
  sequenceId: string;
  psid: string;
  /** The order whose fields the steps' placeholders show; amounts in minor units (src/common/money.ts). */
  order?: Pick<OrderFieldsDto, 'orderId' | 'status' | 'customerName' | 'total' | 'currency' | 'items'>;
}

/** One subscription of a customer: SubscriberResponse (as the HTTP API lists it) and its topic. */
export type CustomerSubscription = SubscriberResponse & { topicId: string };

/**
 * The plugin for in-process calls from a host app. Each input is held to the same rules as its HTTP route
 * (the plugin's validation pipe) and scoped to the shop as an API key would be. Errors, as over HTTP:
 * ValidationFailed (400, `problems` name each field), DomainError with `status` and `code` (404
 * `not_found` for a Page, topic or sequence not the shop's; 503 `webhooks_pending` with `details.retryAt`).
 */
@Injectable()
export class MarketingMessagesService {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly orderEvents: PosOrderEventsListener,
    private readonly optins: OptinService,
    private readonly pages: PagesService,
    private readonly sequences: SequencesService,
    private readonly runs: SequenceRuns,
    private readonly subscriptions: SubscriptionsService,
    private readonly clock: Clock,
    private readonly shops: ShopsService,
  ) {}

  /**
   * Creates a shop (one per shop of the POS) and its first API key, shown only here (stored hashed), for
   * the plugin's HTTP routes. `locale` (BCP 47, default en-PH) and `currency` (ISO 4217, default PHP) set
   * how its messages write amounts. Errors: ValidationFailed naming `locale` or `currency`.
   */
  createShop(name: string, settings: { locale?: string; currency?: string } = {}): Promise<CreatedShop> {
    return this.shops.createShop(name, settings);
  }

  /**
   * An order changed status: the Page's active rules for the new status start their sequences, or are
   * skipped with the reason (`window_closed`, `never_wrote`, ...). Stored before it resolves; safe to repeat
   * (a dispatched rule is then a duplicate). Same as POST /api/pos/order-events.
   */
  sendOrderEvent(input: OrderEventInput): Promise<OrderEventResult> {
    return this.orderEvents.onStatusChanged(input);
  }

  /**
   * Sends the topic's opt-in request if the opt-in policy allows it. A refusal is an answer, not an
   * error: `{ sent: false, rule, message, retryAt? }` with the policy's rule (`window_closed`,
   * `already_subscribed`, `same_title_within_7_days`, `platform_unavailable`, `webhooks_pending`, ...).
   */
  async requestOptin(call: OptinRequestCall): Promise<OptinRequestOutcome> {
    const { psid, topicId } = await this.validated(CreateOptinRequestDto, { psid: call.psid, topicId: call.topicId });
    await this.pages.getForShop(call.shopId, call.pageId);
    return this.optins.request({ pageId: call.pageId, psid, topicId, source: 'api' });
  }

  /** Starts the sequence for one customer; its first step is sent when due (at once with no delay). */
  async startSequenceRun(call: SequenceRunCall): Promise<RunResponse> {
    const dto = await this.validated(StartRunDto, { psid: call.psid, ...(call.order ? { order: call.order } : {}) });
    await this.sequences.get(call.shopId, call.pageId, call.sequenceId);
    const runId = await this.runs.start({
      sequenceId: call.sequenceId,
      pageId: call.pageId,
      psid: dto.psid,
      source: 'api',
      order: dto.order,
    });
    const { run, steps } = await this.runs.get(call.sequenceId, runId);
    return RunResponse.of(run, steps);
  }

  /**
   * The customer's subscriptions on the shop's Page, one per topic they ever opted in to (any status;
   * `expired` when the token's expiry has passed), never with their tokens. Empty if none.
   */
  async getSubscriber(call: { shopId: string; pageId: string; psid: string }): Promise<CustomerSubscription[]> {
    await this.pages.getForShop(call.shopId, call.pageId);
    const at = this.clock.now();
    const rows = await this.subscriptions.forPerson(call.pageId, call.psid);
    return rows.map((s) => ({ ...SubscriberResponse.of(s, at), topicId: s.topicId }));
  }

  private async validated<T extends object>(dto: Type<T>, value: object): Promise<T> {
    return (await this.pipe.transform(value, { type: 'body', metatype: dto })) as T;
  }
}
