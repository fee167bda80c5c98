import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import type { MoneyStyle } from '../common/money';
import { CustomerOrderBook } from '../audience/customer-order-book';
import { SqlDialect } from '../database/sql-dialect';
import { DomainEvents } from '../integrations/domain-events.service';
import { MessagingWindow } from '../messenger/people/messaging-window';
import { PagesService } from '../pages/pages.service';
import { AttributionService } from '../results/attribution.service';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import type { OrderEventDto, OrderEventResult } from './dto/order-event.dto';
import { NotificationRule } from './entities/notification-rule.entity';
import { OrderEvent } from './entities/order-event.entity';

/** The transition of a skipped row to dispatched was already made by a concurrent re-ask: roll back, it is a duplicate. */
class AlreadyDispatched extends Error {}

/**
 * The one handler of order events, over HTTP or the in-process emitter. Each active rule of the Page
 * for the new status gets, in ONE transaction, its outbox row and (when the customer may be asked) the
 * run of its sequence. The outbox's unique (rule, order, status) key makes a repeat "already done": the
 * transaction rolls back having written nothing, so a crash or a retry never loses or doubles a dispatch.
 *
 * A repeat of an event that was `skipped` is asked again: the reason (the customer had not written) may
 * have changed. If the customer may be asked now, the same row goes from `skipped` to `dispatched` with
 * a conditional UPDATE (`WHERE outcome = 'skipped'`) in the transaction that starts the run: one row per
 * (rule, order, status) by the unique key, and one transition out of `skipped` by the condition, so
 * still exactly one dispatch per rule, order and status, across processes.
 *
 * The window is read after every webhook delivery about the customer that Meta was already answered
 * for has been applied (MessagingWindow, FreshState); if that cannot be done within FreshState's bound,
 * nothing is stored and the POS gets a 503 `webhooks_pending` to retry.
 *
 * Domain events: per rule, `order_event.dispatched` or `order_event.skipped` (with the reason) in the
 * transaction that stores the row; a repeat that changed nothing announces nothing. An event that matched
 * no active rule announces `order_event.skipped` with `no_matching_rule` (or `inactive_rule` when only
 * inactive rules match its status).
 *
 * The customer's order summary (CustomerOrderBook) is applied in the same transaction as each outbox row,
 * or in one of its own when no rule matches (no outbox row is written then); applying it is idempotent,
 * so the second rule's transaction, a repeat or a retry counts nothing twice.
 */
@Injectable()
export class OrderEventsService {
  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly window: MessagingWindow,
    private readonly runs: SequenceRuns,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly orderBook: CustomerOrderBook,
    private readonly attribution: AttributionService,
  ) {}

  /**
   * Stores the event per matching active rule and starts the runs it may start. Errors: 404 `not_found`
   * (field `pageId`) for a Page not of this shop; 503 `webhooks_pending` (details.retryAt, ISO 8601) when
   * the customer's acknowledged deliveries could not be applied in time (nothing stored).
   */
  async accept(shopId: string, event: OrderEventDto): Promise<OrderEventResult> {
    await this.pages.getForShop(shopId, event.pageId).catch((error: unknown) => {
      if (error instanceof DomainError && error.status === 404)
        throw new DomainError(404, 'not_found', 'Page not found', { field: 'pageId' });
      throw error;
    });
    // Idempotent (one attribution per order, by its key), so a retried event finds it done.
    await this.attribution.recordOrder(shopId, event);
    const rules = await this.dataSource.getRepository(NotificationRule).find({
      where: { shopId, pageId: event.pageId, orderStatus: event.status, active: true },
      order: { createdAt: 'ASC' },
    });
    const result: OrderEventResult = {
      orderId: event.orderId,
      status: event.status,
      matchedRules: rules.length,
      dispatched: [],
      skipped: [],
      duplicates: [],
    };
    // Read before the transactions below (a second pool connection inside one would wait for the pool).
    const moneyStyle = await this.pages.moneyStyle(event.pageId);
    if (rules.length === 0) {
      const withHint = await this.withNoRuleHint(shopId, event, result);
      await this.dataSource.transaction(async (em) => {
        await this.orderBook.applyIn(em, event, moneyStyle.currency);
        await this.announceSkipped(shopId, event, withHint.inactiveRules ? 'inactive_rule' : 'no_matching_rule', null, em);
      });
      return withHint;
    }
    // Every step of a sequence needs the 24-hour window (no tag can carry an order update since 2026-04),
    // so a customer outside it is recorded, with the reason, instead of being sent a run that cannot speak.
    const window = await this.window.state(event.pageId, event.customerPsid, this.clock.now());
    if (!window.open && window.reason === 'webhooks_pending') {
      throw new DomainError(
        503,
        'webhooks_pending',
        'Webhook deliveries about this customer are not applied yet; send the event again shortly',
        {
          retryAt: window.retryAt.toISOString(),
        },
      );
    }
    const now = this.clock.now();
    for (const rule of rules) {
      const base: OrderEvent = {
        id: randomUUID(),
        ruleId: rule.id,
        pageId: event.pageId,
        orderId: event.orderId,
        orderStatus: event.status,
        previousStatus: event.previousStatus ?? null,
        psid: event.customerPsid,
        occurredAt: new Date(event.occurredAt),
        receivedAt: now,
        outcome: 'skipped',
        skipReason: null,
        skipDetail: null,
        runId: null,
      };
      const row: OrderEvent = window.open
        ? { ...base, outcome: 'dispatched', runId: randomUUID() }
        : { ...base, skipReason: 'window_closed', skipDetail: window.reason };
      try {
        await this.dataSource.transaction(async (em) => {
          // First, so that a repeat fails here, before anything else is written.
          await em.insert(OrderEvent, row);
          await this.orderBook.applyIn(em, event, moneyStyle.currency);
          if (row.runId !== null) {
            await this.startRun(em, rule, event, row.runId, moneyStyle);
            await this.announceDispatched(shopId, event, rule.id, em);
          } else await this.announceSkipped(shopId, event, row.skipReason!, rule.id, em);
        });
      } catch (error) {
        if (!SqlDialect.isDuplicateKey(error)) throw error;
        await this.askAgain(rule, event, row, result, moneyStyle);
        continue;
      }
      if (row.runId !== null) result.dispatched.push({ ruleId: rule.id, runId: row.runId });
      else result.skipped.push({ ruleId: rule.id, reason: row.skipReason!, detail: row.skipDetail });
    }
    if (result.dispatched.length > 0) this.runs.nudge();
    return result;
  }

  /**
   * A repeat of (rule, order, status): a duplicate if it was dispatched; if it was skipped, evaluated
   * again with `row` (this event's outcome): dispatched now if the customer may be asked, else skipped
   * again with the current reason.
   */
  private async askAgain(
    rule: NotificationRule,
    event: OrderEventDto,
    row: OrderEvent,
    result: OrderEventResult,
    moneyStyle: MoneyStyle,
  ): Promise<void> {
    const key = { ruleId: rule.id, orderId: event.orderId, orderStatus: event.status };
    if (row.runId === null) {
      const changed = await SqlDialect.execute(
        this.dataSource,
        `UPDATE order_events SET skip_reason = ?, skip_detail = ? WHERE rule_id = ? AND order_id = ? AND order_status = ? AND outcome = 'skipped'`,
        [row.skipReason, row.skipDetail, key.ruleId, key.orderId, key.orderStatus],
      );
      if (changed === 1) {
        result.skipped.push({ ruleId: rule.id, reason: row.skipReason!, detail: row.skipDetail });
        await this.announceSkipped(rule.shopId, event, row.skipReason!, rule.id);
      } else result.duplicates.push(rule.id);
      return;
    }
    const runId = row.runId;
    try {
      await this.dataSource.transaction(async (em) => {
        const changed = await SqlDialect.execute(
          em,
          `UPDATE order_events SET outcome = 'dispatched', run_id = ?, skip_reason = NULL, skip_detail = NULL
           WHERE rule_id = ? AND order_id = ? AND order_status = ? AND outcome = 'skipped'`,
          [runId, key.ruleId, key.orderId, key.orderStatus],
        );
        if (changed !== 1) throw new AlreadyDispatched();
        await this.startRun(em, rule, event, runId, moneyStyle);
        await this.announceDispatched(rule.shopId, event, rule.id, em);
      });
    } catch (error) {
      if (!(error instanceof AlreadyDispatched)) throw error;
      result.duplicates.push(rule.id);
      return;
    }
    result.dispatched.push({ ruleId: rule.id, runId });
  }

  private async announceDispatched(shopId: string, event: OrderEventDto, ruleId: string, em: EntityManager): Promise<void> {
    const data = { pageId: event.pageId, psid: event.customerPsid, orderId: event.orderId, status: event.status, ruleIds: [ruleId] };
    await this.events.publish('order_event.dispatched', { shopId }, data, em);
  }

  private async announceSkipped(
    shopId: string,
    event: OrderEventDto,
    reason: string,
    ruleId: string | null,
    em?: EntityManager,
  ): Promise<void> {
    const data = { pageId: event.pageId, psid: event.customerPsid, orderId: event.orderId, status: event.status, reason, ruleId };
    await this.events.publish('order_event.skipped', { shopId }, data, em);
  }

  private startRun(
    em: EntityManager,
    rule: NotificationRule,
    event: OrderEventDto,
    runId: string,
    moneyStyle: MoneyStyle,
  ): Promise<string> {
    return this.runs.startIn(em, {
      runId,
      sequenceId: rule.sequenceId,
      pageId: event.pageId,
      psid: event.customerPsid,
      source: 'pos',
      order: {
        orderId: event.orderId,
        status: event.status,
        customerName: event.customerName,
        total: event.total,
        currency: event.currency,
        items: event.items,
      },
      moneyStyle,
    });
  }

  /**
   * No active rule matched: say why, so a POS integrator does not read `matchedRules: 0` as "nothing to do"
   * when a rule exists but was never activated (rules are created inactive).
   */
  private async withNoRuleHint(shopId: string, event: OrderEventDto, result: OrderEventResult): Promise<OrderEventResult> {
    const inactiveRules = await this.dataSource
      .getRepository(NotificationRule)
      .count({ where: { shopId, pageId: event.pageId, orderStatus: event.status, active: false } });
    const hint =
      inactiveRules > 0
        ? `No active rule of Page ${event.pageId} for status ${event.status}; ${inactiveRules} inactive rule(s) match: ` +
          'activate with POST /api/pos-notification-rules/:ruleId/activate'
        : `No rule of Page ${event.pageId} for status ${event.status}: create one with POST /api/pos-notification-rules, then activate it`;
    return { ...result, inactiveRules, hint };
  }
}
