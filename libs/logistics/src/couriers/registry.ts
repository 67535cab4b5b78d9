import type { Queryable, Sql } from '@quarterhour/db';
import type { LatLng } from '@quarterhour/domain';
import type { Redis } from 'ioredis';
import type { LogisticsKeys } from '../keys.ts';
import { logisticsScript } from '../lua-script.ts';
import { indexCell } from '../nearby.ts';
import type { Courier, CourierStatus, NewCourier, Vehicle } from './schemas.ts';

interface CourierRow {
  id: string;
  vehicle: Vehicle;
  capacity: number;
  status: CourierStatus;
  lat: number | null;
  lng: number | null;
  located_at: Date | null;
  created_at: Date;
  updated_at: Date;
  active_orders: number;
}

const SELECT_COURIER = `
  select c.*, (select count(*)::int from courier_assignments a
               where a.courier_id = c.id and a.ended_at is null) as active_orders
  from couriers c`;

function courierFromRow(row: CourierRow): Courier {
  const located = row.lat !== null && row.lng !== null;
  return {
    id: row.id,
    vehicle: row.vehicle,
    capacity: row.capacity,
    status: row.status,
    location: located ? { lat: row.lat!, lng: row.lng! } : null,
    locatedAt: row.located_at?.toISOString() ?? null,
    activeOrders: row.active_orders,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Couriers: PostgreSQL holds them durably; Redis holds what assignment reads (status,
 * position, capacity) and the index of available couriers by H3 cell. A change writes
 * PostgreSQL and then Redis while it holds the courier's row lock, so the last committed
 * value is also the last one written there.
 */
export class CourierRegistry {
  private readonly putScript = logisticsScript('putCourier');

  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis,
    private readonly keys: LogisticsKeys,
  ) {}

  /** Inserts inside the caller's transaction (which also issues its key); false when the id is taken. */
  async insert(tx: Queryable, courier: NewCourier): Promise<boolean> {
    const rows = await tx`
      insert into couriers (id, vehicle, capacity) values (${courier.id}, ${courier.vehicle}, ${courier.capacity})
      on conflict (id) do nothing returning id`;
    return rows.length > 0;
  }

  /** Writes a courier just committed to the hot state, and returns it. */
  async publish(id: string): Promise<Courier> {
    return this.sql.begin(async (tx) => {
      const row = await this.read(tx, id, true);
      if (!row) throw new Error(`courier ${id} vanished after it was committed`);
      await this.writeHot(row);
      return courierFromRow(row);
    });
  }

  async get(id: string): Promise<Courier | null> {
    const row = await this.read(this.sql, id, false);
    return row ? courierFromRow(row) : null;
  }

  setLocation(id: string, location: LatLng): Promise<Courier | null> {
    return this.change(
      id,
      (tx) => tx`update couriers set lat = ${location.lat}, lng = ${location.lng}, located_at = now(),
                 updated_at = now() where id = ${id}`,
    );
  }

  setStatus(id: string, status: CourierStatus): Promise<Courier | null> {
    return this.change(
      id,
      (tx) => tx`update couriers set status = ${status}, updated_at = now() where id = ${id}`,
    );
  }

  private async change(id: string, update: (tx: Queryable) => Promise<unknown>): Promise<Courier | null> {
    return this.sql.begin(async (tx) => {
      if (!(await this.read(tx, id, true))) return null;
      await update(tx);
      const row = (await this.read(tx, id, false))!;
      await this.writeHot(row);
      return courierFromRow(row);
    });
  }

  private async read(db: Queryable, id: string, lock: boolean): Promise<CourierRow | null> {
    const [row] = await db.unsafe<CourierRow[]>(
      `${SELECT_COURIER} where c.id = $1${lock ? ' for update of c' : ''}`,
      [id],
    );
    return row ?? null;
  }

  private async writeHot(row: CourierRow): Promise<void> {
    const located = row.lat !== null && row.lng !== null;
    const cell = located ? indexCell({ lat: row.lat!, lng: row.lng! }) : '';
    let seen = (await this.redis.hget(this.keys.courier(row.id), 'cell')) ?? '';
    // The cell only changes under the row lock we hold, so a second read settles it; the
    // loop is bounded all the same.
    for (let attempt = 0; attempt < 3; attempt++) {
      const [written, actual] = (await this.putScript.run(
        this.redis,
        [this.keys.courier(row.id), this.keys.courierCell(seen || cell), this.keys.courierCell(cell || seen)],
        [
          row.id,
          seen,
          row.vehicle,
          row.capacity,
          row.status,
          located ? row.lat! : '',
          located ? row.lng! : '',
          cell,
        ],
      )) as [number, string?];
      if (written === 1) return;
      seen = actual ?? '';
    }
    throw new Error(`courier ${row.id}: its cell in Redis kept changing while we held its row lock`);
  }
}
