import type { Queryable, Sql } from '@quarterhour/db';
import type { Redis } from 'ioredis';
import { freeScore } from '../compartments.ts';
import type { LogisticsKeys } from '../keys.ts';
import { indexCell } from '../nearby.ts';
import type { CompartmentView, Locker, NewLocker } from './schemas.ts';

interface LockerRow {
  id: string;
  lat: number;
  lng: number;
  hold_hours: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Lockers: PostgreSQL holds them and the state of every compartment; Redis holds the
 * free compartments by kind, the active parcels and codes, and the index by H3 cell that
 * reservation reads. Lockers do not change after creation; their compartments change
 * through LockerDispatch.
 */
export class LockerRegistry {
  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis,
    private readonly keys: LogisticsKeys,
  ) {}

  /** Inserts the locker and its compartments inside the caller's transaction; false when the id is taken. */
  async insert(tx: Queryable, locker: NewLocker): Promise<boolean> {
    const rows = await tx`
      insert into lockers (id, lat, lng, cell, hold_hours)
      values (${locker.id}, ${locker.location.lat}, ${locker.location.lng}, ${indexCell(locker.location)},
              ${locker.holdHours})
      on conflict (id) do nothing returning id`;
    if (rows.length === 0) return false;
    const compartments = numbered(locker).map((c) => ({ locker_id: locker.id, ...c }));
    for (let i = 0; i < compartments.length; i += 1000) {
      await tx`insert into locker_compartments ${tx(compartments.slice(i, i + 1000), 'locker_id', 'number', 'size', 'temperature')}`;
    }
    return true;
  }

  /**
   * Writes a locker just committed to the hot state, and returns it. After the commit, so
   * a failed transaction never leaves a locker in Redis that reservations would pick; a
   * crash in between leaves it out until the next rebuild.
   */
  async publish(id: string): Promise<Locker> {
    const locker = await this.get(id);
    if (!locker) throw new Error(`locker ${id} vanished after it was committed`);
    const hot = this.redis.multi();
    hot.hset(this.keys.locker(id), {
      lat: locker.location.lat,
      lng: locker.location.lng,
      holdHours: locker.holdHours,
    });
    const free = locker.compartments.filter((c) => c.state === 'free');
    if (free.length) {
      hot.zadd(this.keys.lockerFree(id), ...free.flatMap((c) => [freeScore(c, c.number), String(c.number)]));
    }
    hot.sadd(this.keys.lockerCell(indexCell(locker.location)), id);
    await hot.exec();
    return locker;
  }

  async get(id: string): Promise<Locker | null> {
    const [row] = await this.sql<LockerRow[]>`select * from lockers where id = ${id}`;
    if (!row) return null;
    const compartments = await this.sql<CompartmentView[]>`
      select number, size, temperature, state from locker_compartments where locker_id = ${id} order by number`;
    return {
      id: row.id,
      location: { lat: row.lat, lng: row.lng },
      holdHours: row.hold_hours,
      compartments: [...compartments],
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async exists(id: string): Promise<boolean> {
    const rows = await this.sql`select 1 from lockers where id = ${id}`;
    return rows.length > 0;
  }
}

function numbered(locker: NewLocker): Omit<CompartmentView, 'state'>[] {
  let number = 0;
  return locker.compartments.flatMap((group) =>
    Array.from({ length: group.count }, () => ({
      number: ++number,
      size: group.size,
      temperature: group.temperature,
    })),
  );
}
