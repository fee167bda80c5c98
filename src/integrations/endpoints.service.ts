import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { notFound } from '../common/domain-error';
import { TokenCipher } from '../common/token-cipher';
import { InjectPluginDataSource } from '../database/plugin-data-source';
import { SqlDialect } from '../database/sql-dialect';
import { DELIVERY_GIVE_UP_MS } from './domain-events.service';
import type { DomainEventType } from './domain-events';
import {
  DELIVERY_STATUSES,
  type CreateEndpointDto,
  type CreatedEndpointResponse,
  type DeliveryListResponse,
  type DeliveryResponse,
  type DeliveryStatus,
  type EndpointResponse,
  type UpdateEndpointDto,
} from './dto/endpoint.dto';
import { newEndpointSecret } from './signature';

interface EndpointRow {
  id: string;
  url: string;
  event_types: string;
  description: string | null;
  created_at: unknown;
  updated_at: unknown;
}

interface DeliveryRow {
  id: string | number;
  event_id: string;
  type: DomainEventType;
  ordering_key: string;
  status: DeliveryStatus;
  attempts: number | string;
  last_status: number | string | null;
  last_error: string | null;
  next_attempt_at: unknown;
  give_up_at: unknown;
  created_at: unknown;
  delivered_at: unknown;
  redelivery_of: string | number | null;
}

/**
 * A shop's HTTP endpoints for domain events: register (the signing secret is generated here, answered
 * once, stored encrypted with TokenCipher), list, change, remove (its deliveries go with it), the recent
 * deliveries of one, and a redelivery of one event. Every read and write is scoped to the calling shop:
 * another shop's endpoint is a 404 naming `endpointId`.
 */
@Injectable()
export class EndpointsService {
  private readonly dialect: SqlDialect;

  constructor(
    @InjectPluginDataSource() private readonly dataSource: DataSource,
    private readonly cipher: TokenCipher,
    private readonly clock: Clock,
  ) {
    this.dialect = new SqlDialect(dataSource);
  }

  async create(shopId: string, dto: CreateEndpointDto): Promise<CreatedEndpointResponse> {
    const id = randomUUID();
    const secret = newEndpointSecret();
    const now = this.dialect.time(this.clock.now());
    await this.dataSource.query(
      `INSERT INTO integration_endpoints (id, shop_id, url, secret_enc, event_types, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, shopId, dto.url, this.cipher.encrypt(secret), storedTypes(dto.eventTypes), dto.description ?? null, now, now],
    );
    return { ...(await this.get(shopId, id)), secret };
  }

  async list(shopId: string): Promise<EndpointResponse[]> {
    const rows = (await this.dataSource.query(
      'SELECT id, url, event_types, description, created_at, updated_at FROM integration_endpoints WHERE shop_id = ? ORDER BY created_at, id',
      [shopId],
    )) as EndpointRow[];
    return rows.map(toResponse);
  }

  async get(shopId: string, id: string): Promise<EndpointResponse> {
    const [row] = (await this.dataSource.query(
      'SELECT id, url, event_types, description, created_at, updated_at FROM integration_endpoints WHERE id = ? AND shop_id = ?',
      [id, shopId],
    )) as EndpointRow[];
    if (!row) throw notFound('Endpoint', 'endpointId');
    return toResponse(row);
  }

  /** Changes what is given; deliveries already queued keep going to the endpoint (at its new URL). */
  async update(shopId: string, id: string, dto: UpdateEndpointDto): Promise<EndpointResponse> {
    const before = await this.get(shopId, id);
    await this.dataSource.query(
      'UPDATE integration_endpoints SET url = ?, event_types = ?, description = ?, updated_at = ? WHERE id = ? AND shop_id = ?',
      [
        dto.url ?? before.url,
        storedTypes(dto.eventTypes ?? before.eventTypes),
        dto.description === undefined ? before.description : dto.description,
        this.dialect.time(this.clock.now()),
        id,
        shopId,
      ],
    );
    return this.get(shopId, id);
  }

  /** Removes the endpoint and its deliveries (the events stay in the outbox for other endpoints). */
  async remove(shopId: string, id: string): Promise<void> {
    const removed = await SqlDialect.execute(this.dataSource, 'DELETE FROM integration_endpoints WHERE id = ? AND shop_id = ?', [
      id,
      shopId,
    ]);
    if (removed === 0) throw notFound('Endpoint', 'endpointId');
  }

  /** The endpoint's latest deliveries (newest first, optionally of one status) and its counts by status. */
  async deliveries(shopId: string, id: string, status: DeliveryStatus | undefined, limit: number): Promise<DeliveryListResponse> {
    await this.get(shopId, id);
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.event_id, e.type, d.ordering_key, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.give_up_at,
              d.created_at, d.delivered_at, d.redelivery_of
         FROM endpoint_deliveries d JOIN domain_events e ON e.id = d.event_id
        WHERE d.endpoint_id = ?${status ? ' AND d.status = ?' : ''} ORDER BY d.id DESC LIMIT ${Math.floor(limit)}`,
      status ? [id, status] : [id],
    )) as DeliveryRow[];
    const grouped = (await this.dataSource.query(
      'SELECT status, COUNT(*) AS n FROM endpoint_deliveries WHERE endpoint_id = ? GROUP BY status',
      [id],
    )) as Array<{ status: DeliveryStatus; n: number | string }>;
    const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
    for (const g of grouped) counts[g.status] = Number(g.n);
    return { items: rows.map(toDelivery), counts };
  }

  /**
   * Queues the event for the endpoint again, due now, behind what is already queued for its ordering key
   * (a new delivery row, `redeliveryOf` the last one). 404 naming `eventId` when the event was never
   * queued for this endpoint.
   */
  async redeliver(shopId: string, id: string, eventId: string): Promise<DeliveryResponse> {
    await this.get(shopId, id);
    const [last] = (await this.dataSource.query(
      'SELECT id, ordering_key FROM endpoint_deliveries WHERE endpoint_id = ? AND event_id = ? ORDER BY id DESC LIMIT 1',
      [id, eventId],
    )) as Array<{ id: string | number; ordering_key: string }>;
    if (!last) throw notFound('Event delivery to this endpoint', 'eventId');
    const now = this.clock.now();
    const t = this.dialect.time(now);
    await this.dataSource.query(
      `INSERT INTO endpoint_deliveries (endpoint_id, event_id, ordering_key, status, attempts, next_attempt_at, give_up_at, redelivery_of, created_at, updated_at)
       VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?)`,
      [id, eventId, last.ordering_key, t, this.dialect.time(new Date(now.getTime() + DELIVERY_GIVE_UP_MS)), String(last.id), t, t],
    );
    const [row] = (await this.dataSource.query(
      `SELECT d.id, d.event_id, e.type, d.ordering_key, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.give_up_at,
              d.created_at, d.delivered_at, d.redelivery_of
         FROM endpoint_deliveries d JOIN domain_events e ON e.id = d.event_id
        WHERE d.endpoint_id = ? AND d.event_id = ? ORDER BY d.id DESC LIMIT 1`,
      [id, eventId],
    )) as DeliveryRow[];
    return toDelivery(row!);
  }
}

/** ",a,b,": DomainEvents finds the endpoints of a type with one LIKE '%,<type>,%'. */
const storedTypes = (types: DomainEventType[]): string => `,${types.join(',')},`;

function toResponse(row: EndpointRow): EndpointResponse {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types.split(',').filter(Boolean) as DomainEventType[],
    description: row.description,
    createdAt: SqlDialect.parseTime(row.created_at).toISOString(),
    updatedAt: SqlDialect.parseTime(row.updated_at).toISOString(),
  };
}

function toDelivery(row: DeliveryRow): DeliveryResponse {
  return {
    id: String(row.id),
    eventId: row.event_id,
    eventType: row.type,
    orderingKey: row.ordering_key,
    status: row.status,
    attempts: Number(row.attempts),
    lastStatus: row.last_status === null ? null : Number(row.last_status),
    lastError: row.last_error,
    nextAttemptAt: SqlDialect.parseTime(row.next_attempt_at).toISOString(),
    giveUpAt: SqlDialect.parseTime(row.give_up_at).toISOString(),
    createdAt: SqlDialect.parseTime(row.created_at).toISOString(),
    deliveredAt: SqlDialect.parseOptionalTime(row.delivered_at)?.toISOString() ?? null,
    redeliveryOf: row.redelivery_of === null ? null : String(row.redelivery_of),
  };
}
