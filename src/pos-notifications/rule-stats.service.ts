import { Injectable } from '@nestjs/common';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import type { DataSource } from 'typeorm';
import type { RuleStatsResponse } from './dto/rule.dto';
import type { NotificationRule } from './entities/notification-rule.entity';
import { OrderEvent, type OrderEventOutcome } from './entities/order-event.entity';

const count = (value: unknown): number => Number(value ?? 0);

/**
 * What a rule achieved. The chain is: order_events (per rule) → its run's MM button steps for the rule's
 * topic (run_steps) → the opt-in requests they made (optin_requests.source_ref = run step id) → the
 * subscriptions that answered them (subscriptions.optin_request_id).
 */
@Injectable()
export class RuleStatsService {
  constructor(@InjectPluginDataSource() private readonly dataSource: DataSource) {}

  async stats(rule: NotificationRule): Promise<RuleStatsResponse> {
    const [events] = (await this.dataSource.query(
      `SELECT COUNT(*) AS matched, COALESCE(SUM(CASE WHEN outcome = 'dispatched' THEN 1 ELSE 0 END), 0) AS dispatched
       FROM order_events WHERE rule_id = ?`,
      [rule.id],
    )) as Array<{ matched: unknown; dispatched: unknown }>;
    const eventSkips = (await this.dataSource.query(
      `SELECT skip_reason AS reason, COUNT(*) AS n FROM order_events WHERE rule_id = ? AND outcome = 'skipped' GROUP BY skip_reason`,
      [rule.id],
    )) as Array<{ reason: string; n: unknown }>;
    const stepSkips = (await this.dataSource.query(
      `SELECT s.skip_rule AS reason, COUNT(*) AS n
       FROM order_events e JOIN run_steps s ON s.run_id = e.run_id
       WHERE e.rule_id = ? AND s.type = 'optin' AND s.topic_id = ? AND s.status = 'skipped'
       GROUP BY s.skip_rule`,
      [rule.id, rule.topicId],
    )) as Array<{ reason: string; n: unknown }>;
    const [optins] = (await this.dataSource.query(
      `SELECT COUNT(DISTINCT r.id) AS sent, COUNT(DISTINCT sub.id) AS subscriptions
       FROM order_events e
       JOIN run_steps s ON s.run_id = e.run_id AND s.type = 'optin' AND s.topic_id = ?
       JOIN optin_requests r ON r.source_ref = s.id AND r.status = 'sent'
       LEFT JOIN subscriptions sub ON sub.optin_request_id = r.id AND sub.topic_id = ?
       WHERE e.rule_id = ?`,
      [rule.topicId, rule.topicId, rule.id],
    )) as Array<{ sent: unknown; subscriptions: unknown }>;
    const skippedByReason: Record<string, number> = {};
    for (const { reason, n } of [...eventSkips, ...stepSkips]) skippedByReason[reason] = (skippedByReason[reason] ?? 0) + count(n);
    return {
      ruleId: rule.id,
      eventsMatched: count(events?.matched),
      dispatches: count(events?.dispatched),
      optinRequestsSent: count(optins?.sent),
      skippedByReason,
      subscriptions: count(optins?.subscriptions),
    };
  }

  /** The rule's latest order events, newest first, so the shop sees which orders got no button and why. */
  events(ruleId: string, outcome?: OrderEventOutcome, limit = 100): Promise<OrderEvent[]> {
    return this.dataSource.getRepository(OrderEvent).find({
      where: { ruleId, ...(outcome !== undefined && { outcome }) },
      order: { receivedAt: 'DESC' },
      take: limit,
    });
  }
}
