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
  /** True while the order counts against its site's capacity. */
  loadHeld: boolean;
  /** When a manual site must have accepted by; null for other statuses. */
  acceptBy: Date | null;
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
  attempt: number;
  excluded_sites: string[];
  accept_by: Date | null;
  stock_held: boolean;
  load_held: boolean;
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: Date | null;
}

/** An order with what the API shows and what only the service needs to act on it. */
export interface StoredOrder {
  order: Order;
  platformKeyId: string;
  requestHash: string;
  siteId: string | null;
  attempt: number;
  excludedSites: string[];
  acceptBy: Date | null;
  stockHeld: boolean;
  loadHeld: boolean;
  /** Every column, for listeners that keep state of their own (courier, locker). */
  row: Record<string, unknown>;
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
    ...(row.rating_score !== null && row.rating_score !== undefined
      ? {
          rating: {
            score: row.rating_score,
            ...(row.rating_comment ? { comment: row.rating_comment } : {}),
            at: row.rated_at!.toISOString(),
          },
        }
      : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  return {
    order,
    platformKeyId: row.platform_key_id,
    requestHash: row.request_hash,
    siteId: row.site_id,
    attempt: row.attempt,
    excludedSites: row.excluded_sites ?? [],
    acceptBy: row.accept_by,
    stockHeld: row.stock_held,
    loadHeld: row.load_held,
    row: row as unknown as Record<string, unknown>,
  };
}

const SELECT_ORDER = 'select o.*, s.name as site_name from orders o left join sites s on s.id = o.site_id';

export class OrderStore {
  constructor(private readonly sql: Sql) {}

  /**
   * Inserts orders and their first events in ONE statement: atomic without BEGIN/COMMIT
   * round trips, and the same statement text for any batch size, so it is prepared once
   * per connection. The batch travels as two JSON parameters (one `JSON.stringify` each,
   * native code) that `jsonb_to_recordset` turns back into typed rows; per-column text
   * arrays cost the order path several times more CPU to build and escape.
   */
  async insertMany(tx: Queryable, records: OrderRecord[]): Promise<void> {
    const orders = records.map((r) => ({
      id: r.id,
      key_id: r.platformKeyId,
      external_id: r.externalId,
      hash: r.requestHash,
      status: r.status,
      reason: r.unroutableReason,
      items: r.items,
      service_type: r.serviceType,
      lat: r.customer.lat,
      lng: r.customer.lng,
      cell: r.cell,
      fulfilment: r.fulfilment,
      priority: r.priority,
      max_walk: r.maxWalkMinutes,
      parcel: r.parcel,
      site_id: r.site?.id ?? null,
      distance: r.site?.distanceMeters ?? null,
      walk: r.site?.walkMinutes ?? null,
      held: r.stockHeld,
      load_held: r.loadHeld,
      accept_by: r.acceptBy,
      created: r.createdAt,
    }));
    const events = records.flatMap((r) =>
      r.events.map((event, index) => ({
        order_id: r.id,
        seq: index + 1,
        type: event.type,
        at: r.createdAt,
        data: event.data,
      })),
    );
    await tx`
      with inserted as (
        insert into orders (id, platform_key_id, external_id, request_hash, status, unroutable_reason, items,
          service_type, customer_lat, customer_lng, cell, fulfilment, priority, max_walk_minutes, parcel, site_id,
          distance_meters, walk_minutes, stock_held, load_held, accept_by, created_at, updated_at)
        select id, key_id, external_id, hash, status, reason, items, service_type, lat, lng, cell, fulfilment,
          priority, max_walk, parcel, site_id, distance, walk, held, load_held, accept_by, created, created
        from jsonb_to_recordset(${JSON.stringify(orders)}::text::jsonb)
          as t(id text, key_id text, external_id text, hash text, status text, reason text, items jsonb,
               service_type text, lat float8, lng float8, cell text, fulfilment text, priority text,
               max_walk float8, parcel jsonb, site_id text, distance float8, walk float8, held boolean,
               load_held boolean, accept_by timestamptz, created timestamptz)
        returning id
      )
      insert into order_events (order_id, seq, type, at, data)
      select order_id, seq, type, at, data
      from jsonb_to_recordset(${JSON.stringify(events)}::text::jsonb)
        as e(order_id text, seq int, type text, at timestamptz, data jsonb)`;
  }

  async get(id: string, tx: Queryable = this.sql): Promise<StoredOrder | null> {
    const [row] = await tx.unsafe<OrderRow[]>(`${SELECT_ORDER} where o.id = $1`, [id]);
    return row ? orderFromRow(row) : null;
  }

  /** Reads and row-locks an order inside the caller's transaction: transitions serialise here. */
  async lock(tx: Queryable, id: string): Promise<StoredOrder | null> {
    const [row] = await tx.unsafe<OrderRow[]>(`${SELECT_ORDER} where o.id = $1 for update of o`, [id]);
    return row ? orderFromRow(row) : null;
  }

  /** Appends events after the order's last one, in order. */
  async appendEvents(
    tx: Queryable,
    orderId: string,
    at: Date,
    events: { type: string; data: Record<string, unknown> }[],
  ) {
    if (events.length === 0) return;
    await tx`
      insert into order_events (order_id, seq, type, at, data)
      select ${orderId}, coalesce((select max(seq) from order_events where order_id = ${orderId}), 0) + e.n,
             e.type, ${at}, e.data::jsonb
      from unnest(${events.map((e) => e.type)}::text[], ${events.map((e) => JSON.stringify(e.data))}::text[])
        with ordinality as e(type, data, n)`;
  }

  /** The orders a courier holds now (assigned to it, or picked up and on the way), priority first. */
  async byCourier(courierId: string): Promise<StoredOrder[]> {
    const rows = await this.sql.unsafe<OrderRow[]>(
      `${SELECT_ORDER} where o.courier_id = $1 and o.status in ('courier_assigned', 'picked_up')
       order by (o.priority <> 'standard') desc, o.created_at, o.id`,
      [courierId],
    );
    return rows.map(orderFromRow);
  }

  /** A site's orders, priority orders first, then oldest first (API.md: the inbox). */
  async inbox(siteId: string, statuses: readonly string[] | null, limit: number): Promise<StoredOrder[]> {
    const rows = await this.sql.unsafe<OrderRow[]>(
      `${SELECT_ORDER} where o.site_id = $1 and ($2::text[] is null or o.status = any($2::text[]))
       order by (o.priority <> 'standard') desc, o.created_at, o.id limit $3`,
      [siteId, statuses as string[] | null, limit],
    );
    return rows.map(orderFromRow);
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
