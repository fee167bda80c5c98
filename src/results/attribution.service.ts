import { Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { SqlDialect } from '../database/sql-dialect';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { MAX_WINDOW_HOURS } from './dto/results-settings.dto';
import { ResultsSettingsService } from './results-settings.service';

/** Statuses that make an order count (the first one seen attributes it); NEW may still be abandoned. */
export const COUNTED_ORDER_STATUSES: readonly string[] = ['CONFIRMED', 'PACKING', 'SHIPPED', 'DELIVERED'];
/** Statuses that take a counted order out of the figures again (the attribution row stays, marked). */
export const VOIDED_ORDER_STATUSES: readonly string[] = ['CANCELED', 'RETURNED'];

/** The part of a POS order event attribution reads. */
export interface AttributableOrder {
  pageId: string;
  orderId: string;
  customerPsid: string;
  status: string;
  /** RFC 3339: when the status changed in the POS (the order's time for the windows). */
  occurredAt: string;
  /** Minor units of `currency` (ISO 4217). */
  total?: number;
  currency?: string;
}

interface Touch {
  deliveryId: string;
  campaignId: string;
  kind: 'click' | 'delivery';
  at: Date;
}

const HOUR_MS = 3_600_000;

/**
 * Attribution: an order from a recipient within a window after their message was delivered (or a tracked
 * link of it was clicked) belongs to that campaign. Last touch wins: of every delivery and click of the
 * shop's campaigns to this person on this Page inside its campaign's window, the latest before the order
 * (a click beats a delivery at the same instant). Each order goes to one campaign, once: the primary key
 * (page_id, order_id) of `campaign_attributions`, written by INSERT IGNORE, so a repeated event or two
 * processes at once change nothing. Recorded when the order event is accepted, before its rules run, and
 * idempotently: a POS retry (e.g. after 503 webhooks_pending) finds it done.
 */
@Injectable()
export class AttributionService {
  private readonly logger = new Logger(AttributionService.name);
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ResultsSettingsService,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  /** Attributes (or voids) the order the event is about. The Page is known to be the shop's. */
  async recordOrder(shopId: string, order: AttributableOrder): Promise<void> {
    const now = this.dialect.time(this.clock.now());
    if (VOIDED_ORDER_STATUSES.includes(order.status)) {
      await this.dataSource.query('UPDATE campaign_attributions SET order_status = ?, updated_at = ? WHERE page_id = ? AND order_id = ?', [
        order.status,
        now,
        order.pageId,
        order.orderId,
      ]);
      return;
    }
    if (!COUNTED_ORDER_STATUSES.includes(order.status)) return;
    // Already attributed: later statuses keep it (an amount first sent now is filled in); a voided order stays voided.
    const updated = await SqlDialect.execute(
      this.dataSource,
      `UPDATE campaign_attributions SET order_status = ?, amount = COALESCE(amount, ?), currency = COALESCE(currency, ?), updated_at = ?
        WHERE page_id = ? AND order_id = ? AND order_status NOT IN (${VOIDED_ORDER_STATUSES.map(() => '?').join(', ')})`,
      [
        order.status,
        order.total ?? null,
        order.total !== undefined ? await this.currencyOf(shopId, order) : null,
        now,
        order.pageId,
        order.orderId,
        ...VOIDED_ORDER_STATUSES,
      ],
    );
    if (updated > 0) return;
    const orderAt = new Date(order.occurredAt);
    const touch = await this.lastTouch(shopId, order.pageId, order.customerPsid, orderAt);
    if (!touch) return;
    const inserted = await SqlDialect.execute(
      this.dataSource,
      `${this.dialect.insertIgnore()} INTO campaign_attributions
         (page_id, order_id, campaign_id, delivery_id, psid, touch, touch_at, order_at, order_status, amount, currency, attributed_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        order.pageId,
        order.orderId,
        touch.campaignId,
        touch.deliveryId,
        order.customerPsid,
        touch.kind,
        this.dialect.time(touch.at),
        this.dialect.time(orderAt),
        order.status,
        order.total ?? null,
        await this.currencyOf(shopId, order),
        now,
        now,
      ],
    );
    if (inserted > 0) this.logger.log({ msg: 'order attributed', orderId: order.orderId, campaignId: touch.campaignId, touch: touch.kind });
  }

  /** The latest touch inside its campaign's window before `orderAt`, if any. */
  private async lastTouch(shopId: string, pageId: string, psid: string, orderAt: Date): Promise<Touch | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.campaign_id, d.delivered_at, d.clicked_at, k.first_clicked_at, k.last_clicked_at
         FROM subscriptions s
         JOIN campaign_deliveries d ON d.subscription_id = s.id
         JOIN campaigns c ON c.id = d.campaign_id
         LEFT JOIN campaign_link_clicks k ON k.delivery_id = d.id
        WHERE s.page_id = ? AND s.psid = ? AND c.shop_id = ? AND d.delivered_at IS NOT NULL AND d.delivered_at <= ? AND d.delivered_at >= ?`,
      [pageId, psid, shopId, this.dialect.time(orderAt), this.dialect.time(new Date(orderAt.getTime() - MAX_WINDOW_HOURS * HOUR_MS))],
    )) as Array<Record<string, unknown>>;
    const windows = new Map<string, { delivered: number; click: number }>();
    let best: Touch | undefined;
    const consider = (touch: Touch): void => {
      if (!best || touch.at > best.at || (touch.at.getTime() === best.at.getTime() && touch.kind === 'click' && best.kind === 'delivery'))
        best = touch;
    };
    for (const r of rows) {
      const campaignId = String(r.campaign_id);
      let w = windows.get(campaignId);
      if (!w) {
        const s = await this.settings.effective(shopId, campaignId);
        w = { delivered: s.attributionDeliveredHours * HOUR_MS, click: s.attributionClickHours * HOUR_MS };
        windows.set(campaignId, w);
      }
      const base = { deliveryId: String(r.id), campaignId };
      const deliveredAt = SqlDialect.parseTime(r.delivered_at);
      if (orderAt.getTime() - deliveredAt.getTime() <= w.delivered) consider({ ...base, kind: 'delivery', at: deliveredAt });
      const clicks = [r.clicked_at, r.first_clicked_at, r.last_clicked_at]
        .map((v) => SqlDialect.parseOptionalTime(v))
        .filter((t): t is Date => t !== null && t <= orderAt);
      const lastClick = clicks.reduce<Date | undefined>((a, b) => (!a || b > a ? b : a), undefined);
      if (lastClick && orderAt.getTime() - lastClick.getTime() <= w.click) consider({ ...base, kind: 'click', at: lastClick });
    }
    return best;
  }

  private async currencyOf(shopId: string, order: AttributableOrder): Promise<string> {
    if (order.currency) return order.currency;
    const [shop] = (await this.dataSource.query('SELECT currency FROM shops WHERE id = ?', [shopId])) as Array<{ currency: string }>;
    return shop?.currency ?? 'PHP';
  }
}
