import type { OrderItem } from '../sequences/placeholders';
import type { OrderStatus } from './order-status';

/**
 * For a POS that embeds this module: emit the event and await it, and the order event is stored (and its
 * runs started) before the promise resolves, exactly as over HTTP:
 *
 *   const [result] = await emitter.emitAsync(PosOrderEvents.StatusChanged, event);
 *
 * Errors (validation, unknown Page) reject that promise. The emitter is not a queue: an event emitted
 * and not awaited may be lost with the process, so a POS that needs the guarantee awaits it.
 */
export const PosOrderEvents = {
  StatusChanged: 'pos.order_status_changed',
} as const;

export interface PosOrderStatusChanged {
  shopId: string;
  orderId: string;
  pageId: string;
  /** PSID (Facebook) or IGSID (Instagram) of the customer. */
  customerPsid: string;
  status: OrderStatus;
  previousStatus?: OrderStatus;
  occurredAt: Date | string;
  customerName?: string;
  /** In minor units of `currency` (MINOR_UNITS_RULE, src/common/money.ts): 1250000 VND, 125000 PHP for ₱1,250.00. */
  total?: number;
  /** ISO 4217 in capitals; the shop's currency when absent. */
  currency?: string;
  items?: OrderItem[];
}
