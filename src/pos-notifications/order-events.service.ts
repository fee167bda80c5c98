import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { SqlDialect } from '../database/sql-dialect';
import { MessagingWindow } from '../messenger/people/messaging-window';
import { PagesService } from '../pages/pages.service';
import { SequenceRuns } from '../sequences/runs/sequence-runs.service';
import type { OrderEventDto, OrderEventResult } from './dto/order-event.dto';
import { NotificationRule } from './entities/notification-rule.entity';
import { OrderEvent } from './entities/order-event.entity';

/**
 * The one handler of order events, over HTTP or the in-process emitter. Each active rule of the Page
 * for the new status gets, in ONE transaction, its outbox row and (when the customer may be asked) the
 * run of its sequence. The outbox's unique (rule, order, status) key makes a repeat "already done": the
 * transaction rolls back having written nothing, so a crash or a retry never loses or doubles a dispatch.
 */
@Injectable()
export class OrderEventsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly pages: PagesService,
    private readonly window: MessagingWindow,
    private readonly runs: SequenceRuns,
    private readonly clock: Clock,
  ) {}

  async accept(shopId: string, event: OrderEventDto): Promise<OrderEventResult> {
    await this.pages.getForShop(shopId, event.pageId).catch((error: unknown) => {
      if (error instanceof DomainError && error.status === 404)
        throw new DomainError(404, 'not_found', 'Page not found', { field: 'pageId' });
      throw error;
    });
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
    if (rules.length === 0) return result;

    const moneyStyle = await this.pages.moneyStyle(event.pageId);
    const now = this.clock.now();
    // Every step of a sequence needs the 24-hour window (no tag can carry an order update since 2026-04),
    // so a customer outside it is recorded, with the reason, instead of being sent a run that cannot speak.
    const window = await this.window.state(event.pageId, event.customerPsid, now);
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
          if (row.runId === null) return;
          await this.runs.startIn(em, {
            runId: row.runId,
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
        });
      } catch (error) {
        if (SqlDialect.isDuplicateKey(error)) {
          result.duplicates.push(rule.id);
          continue;
        }
        throw error;
      }
      if (row.runId !== null) result.dispatched.push({ ruleId: rule.id, runId: row.runId });
      else result.skipped.push({ ruleId: rule.id, reason: row.skipReason!, detail: row.skipDetail });
    }
    if (result.dispatched.length > 0) this.runs.nudge();
    return result;
  }
}
