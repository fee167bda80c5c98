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
  price?: number;
}

/** What a run is told about the order that started it (all optional but the id and status). */
export interface OrderContext {
  orderId: string;
  status: string;
  customerName?: string;
  total?: number;
  currency?: string;
  items?: OrderItem[];
}

export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PATTERN)].map((m) => m[1]!).filter((name) => !KNOWN.has(name));
}

export function placeholderValues(order: OrderContext | undefined): Record<Placeholder, string> {
  return {
    'order.id': order?.orderId ?? '',
    'order.status': order?.status ?? '',
    'order.total': order?.total === undefined ? '' : formatMoney(order.total, order.currency),
    'order.currency': order?.currency ?? '',
    'order.items': (order?.items ?? []).map((i) => `${i.quantity} × ${i.name}`).join(', '),
    'customer.name': order?.customerName ?? '',
  };
}

/** Fills the placeholders; names were checked at save time, so an unknown one is left as written. */
export function renderText(text: string, values: Record<Placeholder, string>): string {
  return text.replace(PATTERN, (whole, name: string) => (KNOWN.has(name) ? values[name as Placeholder] : whole));
}

function formatMoney(amount: number, currency: string | undefined): string {
  if (!currency) return amount.toFixed(2);
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
