/** The order statuses a Pancake-style POS reports. */
export const ORDER_STATUSES = ['NEW', 'CONFIRMED', 'PACKING', 'SHIPPED', 'DELIVERED', 'RETURNED', 'CANCELED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
