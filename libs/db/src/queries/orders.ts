import type { Order, OrderEvent } from '@quarterhour/domain';
import type { Queryable, Sql } from '../client.ts';

/** A new order and the events that record how it got its first status, written together. */
export interface OrderRecord {
  id: string;
  platformKeyId: string;
  externalId: string;
  requestHash: string;
  status: Order['status'];
  unroutableReason: Order['unroutableReason'] | null;
  items: Order['items'] | null;
  serviceType: string | null;
  customer: { lat: number; lng: number };
  cell: string;
  fulfilment: Order['fulfilment'];
  priority: Order['priority'];
  maxWalkMinutes: number;
  parcel: Order['parcel'] | null;
  site: { id: string; name: string; distanceMeters: number; walkMinutes: number } | null;
  stockHeld: boolean;
  createdAt: Date;
  events: { type: string; data: Record<string, unknown> }[];
}

interface OrderRow {
  id: string;
  platform_key_id: string;
  external_id: string;
  request_hash: string;
  status: Order['status'];
  unroutable_reason: Order['unroutableReason'] | null;
  items: Order['items'] | null;
  service_type: string | null;
  customer_lat: number;
  customer_lng: number;
  cell: string;
  fulfilment: Order['fulfilment'];
  priority: Order['priority'];
  max_walk_minutes: number;
  parcel: Order['parcel'] | null;
  site_id: string | null;
  site_name: string | null;
  distance_meters: number | null;
  walk_minutes: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface StoredOrder {
  order: Order;
  platformKeyId: string;
  requestHash: string;
  siteId: string | null;
}

export function orderFromRow(row: OrderRow): StoredOrder {
  const order: Order = {
    id: row.id,
    externalId: row.external_id,
    status: row.status,
    cell: row.cell,
    customer: { lat: row.customer_lat, lng: row.customer_lng },
    fulfilment: row.fulfilment,
    priority: row.priority,
    maxWalkMinutes: row.max_walk_minutes,
    ...(row.items ? { items: row.items } : {}),
    ...(row.service_type ? { service: { type: row.service_type } } : {}),
    ...(row.parcel ? { parcel: row.parcel } : {}),
    ...(row.unroutable_reason ? { unroutableReason: row.unroutable_reason } : {}),
    ...(row.site_id
      ? {
          site: {
            id: row.site_id,
            name: row.site_name ?? row.site_id,
            distanceMeters: row.distance_meters ?? 0,
            walkMinutes: row.walk_minutes ?? 0,
          },
        }
      : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  return { order, platformKeyId: row.platform_key_id, requestHash: row.request_hash, siteId: row.site_id };
}

const SELECT_ORDER = 'select o.*, s.name as site_name from orders o left join sites s on s.id = o.site_id';

export class OrderStore {
  constructor(private readonly sql: Sql) {}

  /** Inserts orders and their first events in the caller's transaction. */
  async insertMany(tx: Queryable, records: OrderRecord[]): Promise<void> {
    const orders = records.map((r) => ({
      id: r.id,
      platform_key_id: r.platformKeyId,
      external_id: r.externalId,
      request_hash: r.requestHash,
      status: r.status,
      unroutable_reason: r.unroutableReason,
      items: r.items ? tx.json(r.items) : null,
      service_type: r.serviceType,
      customer_lat: r.customer.lat,
      customer_lng: r.customer.lng,
      cell: r.cell,
      fulfilment: r.fulfilment,
      priority: r.priority,
      max_walk_minutes: r.maxWalkMinutes,
      parcel: r.parcel ? tx.json(r.parcel) : null,
      site_id: r.site?.id ?? null,
      distance_meters: r.site?.distanceMeters ?? null,
      walk_minutes: r.site?.walkMinutes ?? null,
      stock_held: r.stockHeld,
      created_at: r.createdAt,
      updated_at: r.createdAt,
    }));
    const events = records.flatMap((r) =>
      r.events.map((event, seq) => ({
        order_id: r.id,
        seq: seq + 1,
        type: event.type,
        at: r.createdAt,
        data: tx.json(event.data as never),
      })),
    );
    await tx`insert into orders ${tx(orders)}`;
    if (events.length) await tx`insert into order_events ${tx(events)}`;
  }

  async get(id: string, tx: Queryable = this.sql): Promise<StoredOrder | null> {
    const [row] = await tx.unsafe<OrderRow[]>(`${SELECT_ORDER} where o.id = $1`, [id]);
    return row ? orderFromRow(row) : null;
  }

  async findByExternalId(platformKeyId: string, externalId: string): Promise<StoredOrder | null> {
    const [row] = await this.sql.unsafe<OrderRow[]>(
      `${SELECT_ORDER} where o.platform_key_id = $1 and o.external_id = $2`,
      [platformKeyId, externalId],
    );
    return row ? orderFromRow(row) : null;
  }

  async events(orderId: string, tx: Queryable = this.sql): Promise<OrderEvent[]> {
    const rows = await tx<{ type: string; at: Date; data: Record<string, unknown> }[]>`
      select type, at, data from order_events where order_id = ${orderId} order by seq`;
    return rows.map((row) => ({ type: row.type, at: row.at.toISOString(), data: row.data }));
  }
}
