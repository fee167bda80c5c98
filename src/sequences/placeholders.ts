import { formatMoney, type MoneyStyle } from '../common/money';

/**
 * The order fields a step may show. A sequence is refused at save time when it names anything else
 * (Meta's `{{first_name}}` included: the Send API does not resolve it, the customer would see braces).
 */
export const PLACEHOLDERS = ['order.id', 'order.status', 'order.total', 'order.currency', 'order.items', 'customer.name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const KNOWN: ReadonlySet<string> = new Set(PLACEHOLDERS);
const PATTERN = /\{\{\s*([^{}]*?)\s*\}\}/g;

export interface OrderItem {
  name: string;
  quantity: number;
  /** Unit price in minor units of the order's currency (MINOR_UNITS_RULE). */
  price?: number;
  /** The POS's category of the item (audience segments). */
  category?: string;
}

/** What a run is told about the order that started it (all optional but the id and status). */
export interface OrderContext {
  orderId: string;
  status: string;
  customerName?: string;
  /** In minor units of `currency` (MINOR_UNITS_RULE, src/common/money.ts): 125000 PHP is ₱1,250.00. */
  total?: number;
  /** ISO 4217; the shop's currency when absent. */
  currency?: string;
  items?: OrderItem[];
}

export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !KNOWN.has(name));
}

/**
 * The text of each placeholder for this order, money written the shop's way: `style` is the Page's (or
 * shop's) locale and the shop's currency, used when the order names no currency of its own.
 * `{{order.total}}` of 1250000 VND in vi-VN is `1.250.000 ₫`; `{{order.currency}}` is the ISO code.
 */
export function placeholderValues(order: OrderContext | undefined, style: MoneyStyle): Record<Placeholder, string> {
  const currency = order?.currency ?? style.currency;
  return {
    'order.id': order?.orderId ?? '',
    'order.status': order?.status ?? '',
    'order.total': order?.total === undefined ? '' : formatMoney(order.total, { locale: style.locale, currency }),
    'order.currency': order === undefined ? '' : currency,
    'order.items': (order?.items ?? []).map((i) => `${i.quantity} × ${i.name}`).join(', '),
    'customer.name': order?.customerName ?? '',
  };
}

/** Fills the placeholders; names were checked at save time, so an unknown one is left as written. */
export function renderText(text: string, values: Record<Placeholder, string>): string {
  return text.replace(PATTERN, (whole, name: string) => (KNOWN.has(name) ? values[name as Placeholder] : whole));
}
