import type { Sql } from '@quarterhour/db';
import type { Clock } from '@quarterhour/domain';
import type { Point } from '@quarterhour/geo';
import type { Redis } from 'ioredis';
import { ensureLogisticsHotState } from '../hot-state.ts';
import type { LogisticsKeys } from '../keys.ts';
import { logisticsScript } from '../lua-script.ts';
import { findNearby } from '../nearby.ts';

/** Candidates per script call: the nearest few nearly always decide; more follow if not. */
const BATCH = 16;
/** How long a closed order (delivered, cancelled) refuses new couriers. */
const CLOSED_TTL_MS = 24 * 3600_000;

export interface CourierDispatchOptions {
  /** COURIER_SEARCH_RADIUS_M: the farthest a courier may be from the site. */
  searchRadiusMeters: number;
  /** COURIER_PICKUP_TIMEOUT_SECONDS, in ms: from assignment to pickup. */
  pickupTimeoutMs: number;
  clock: Clock;
}

export interface CourierCandidate {
  courierId: string;
  distanceMeters: number;
}

export type AssignResult =
  | {
      kind: 'assigned';
      courierId: string;
      distanceMeters: number;
      /** False when the order already had this courier (a repeated call). */
      fresh: boolean;
      /** From the first fruitless search of this round to now (0 when found at once). */
      waitedMs: number;
      assignedAt: Date;
      pickupDueAt: Date;
    }
  /** Nobody available within reach now; `waitedMs` since the first fruitless search. */
  | { kind: 'none'; waitedMs: number }
  /** The order was released for good (delivered, cancelled): it gets no courier. */
  | { kind: 'closed' };

export type PickupTimeoutResult =
  /** Released and excluded from this order; the next search is round `round`. */
  | { kind: 'timed_out'; round: number }
  | { kind: 'not_due'; dueAt: Date }
  | { kind: 'picked_up' }
  /** That courier no longer holds the order (released, or never had it). */
  | { kind: 'stale' };

export interface CurrentCourier {
  courierId: string;
  distanceMeters: number;
  assignedAt: Date;
  pickedUp: boolean;
}

/**
 * Gives delivery orders couriers. The candidates come from the H3 index of available
 * couriers around the site, nearest first; `assignCourier.lua` then takes the first that
 * still has room, so a courier never holds more orders than its capacity however many
 * workers assign at once. Redis decides; PostgreSQL records (`courier_assignments`) so
 * the hot state can be rebuilt. Every method is idempotent, as job handlers must be.
 */
export class CourierDispatch {
  private readonly assignScript = logisticsScript('assignCourier');
  private readonly releaseScript = logisticsScript('releaseCourier');
  private readonly pickedUpScript = logisticsScript('markPickedUp');

  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis,
    private readonly keys: LogisticsKeys,
    private readonly options: CourierDispatchOptions,
  ) {}

  /** Available couriers with room within reach of the site, nearest first, minus those excluded from the order. */
  async candidates(siteLocation: Point, orderId?: string): Promise<CourierCandidate[]> {
    const [nearby, excluded] = await Promise.all([
      findNearby(
        this.redis,
        { cellKey: this.keys.courierCell, memberKey: this.keys.courier },
        siteLocation,
        this.options.searchRadiusMeters,
        ['status', 'capacity', 'held'],
      ),
      orderId ? this.redis.smembers(this.keys.courierExcluded(orderId)) : Promise.resolve([]),
    ]);
    const skip = new Set(excluded);
    return nearby
      .filter(({ id, fields: [status, capacity, held] }) => {
        return !skip.has(id) && status === 'available' && Number(held ?? 0) < Number(capacity ?? 0);
      })
      .map(({ id, distanceMeters }) => ({ courierId: id, distanceMeters }));
  }

  /** Assigns the nearest courier that can take the order, or says why none did. */
  async assign(orderId: string, siteLocation: Point): Promise<AssignResult> {
    for (let attempt = 0; ; attempt++) {
      const now = this.options.clock.now().getTime();
      const ranked = await this.candidates(siteLocation, orderId);
      let waitedMs = 0;
      for (let start = 0; start < ranked.length || start === 0; start += BATCH) {
        const batch = ranked.slice(start, start + BATCH);
        const keys = [
          this.keys.hotReady,
          this.keys.courierOrder(orderId),
          this.keys.courierExcluded(orderId),
        ];
        const args: (string | number)[] = [now];
        for (const candidate of batch) {
          keys.push(this.keys.courier(candidate.courierId));
          args.push(candidate.courierId, candidate.distanceMeters);
        }
        const reply = (await this.assignScript.run(this.redis, keys, args)) as (string | number)[];
        const code = Number(reply[0]);
        if (code === 1) {
          const chosen = batch[Number(reply[1]) - 1]!;
          const assignedAt = new Date(now);
          await this.record(orderId, chosen.courierId, chosen.distanceMeters, assignedAt);
          return this.assigned(chosen.courierId, chosen.distanceMeters, assignedAt, true, Number(reply[2]));
        }
        if (code === 2) {
          const [courierId, distance, assignedAtMs] = [String(reply[1]), Number(reply[2]), Number(reply[3])];
          const assignedAt = new Date(assignedAtMs);
          // A run that died between Redis and PostgreSQL left no row; this one writes it.
          await this.record(orderId, courierId, distance, assignedAt);
          return this.assigned(courierId, distance, assignedAt, false, 0);
        }
        if (code === -2) return { kind: 'closed' };
        if (code === -1) break;
        waitedMs = Number(reply[1]);
      }
      if (!(await this.redis.exists(this.keys.hotReady))) {
        if (attempt > 0) throw new Error('the logistics hot state is still missing after a rebuild');
        await this.ensureHotState();
        continue;
      }
      return { kind: 'none', waitedMs };
    }
  }

  /**
   * Ends the order's assignment for good (delivered, cancelled): its courier, if any, holds
   * one order fewer, and a search still running for the order assigns nothing. Returns the
   * courier released, or null when it had none.
   */
  async release(orderId: string): Promise<string | null> {
    await this.ensureHotState();
    const now = this.options.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const courierId = (await this.redis.hget(this.keys.courierOrder(orderId), 'courier')) ?? '';
      const [code] = (await this.releaseScript.run(
        this.redis,
        [this.keys.courierOrder(orderId), this.keys.courierExcluded(orderId), this.keys.courier(courierId)],
        [courierId, 'final', now.getTime(), CLOSED_TTL_MS],
      )) as [number];
      if (code === 1) {
        // Also when Redis had nothing: a release that died before this statement is finished here.
        await this.sql`update courier_assignments set ended_at = ${now}, end_reason = 'released'
                       where order_id = ${orderId} and ended_at is null`;
        return courierId || null;
      }
    }
    throw new Error(`order ${orderId}: its courier kept changing during release`);
  }

  /**
   * The pickup deadline of one assignment: if that courier still holds the order, has not
   * picked it up, and the timeout has passed on the clock, it is released and excluded from
   * this order for good. Repeating it after it timed out answers `timed_out` again.
   */
  async checkPickupTimeout(orderId: string, courierId: string): Promise<PickupTimeoutResult> {
    await this.ensureHotState();
    const now = this.options.clock.now();
    const [code, value] = (await this.releaseScript.run(
      this.redis,
      [this.keys.courierOrder(orderId), this.keys.courierExcluded(orderId), this.keys.courier(courierId)],
      [courierId, 'timeout', now.getTime(), this.options.pickupTimeoutMs],
    )) as [number, string | number];
    switch (code) {
      case 1:
      case 4:
        await this.sql`update courier_assignments set ended_at = ${now}, end_reason = 'pickup_timeout'
                       where order_id = ${orderId} and courier_id = ${courierId} and ended_at is null`;
        return { kind: 'timed_out', round: Number(value) + 1 };
      case 2:
        return { kind: 'not_due', dueAt: new Date(Number(value)) };
      case 3:
        return { kind: 'picked_up' };
      default:
        return { kind: 'stale' };
    }
  }

  /** The courier picks the order up: its deadline no longer applies. False when it does not hold the order. */
  async markPickedUp(orderId: string, courierId: string): Promise<boolean> {
    await this.ensureHotState();
    const now = this.options.clock.now();
    const marked = await this.pickedUpScript.run(
      this.redis,
      [this.keys.courierOrder(orderId)],
      [courierId, now.getTime()],
    );
    if (marked !== 1) return false;
    await this.sql`update courier_assignments set picked_up_at = ${now}
                   where order_id = ${orderId} and courier_id = ${courierId} and picked_up_at is null`;
    return true;
  }

  /** The courier holding the order now, if any. */
  async current(orderId: string): Promise<CurrentCourier | null> {
    await this.ensureHotState();
    const [courier, distance, assignedAt, pickedUpAt] = await this.redis.hmget(
      this.keys.courierOrder(orderId),
      'courier',
      'distance',
      'assignedAt',
      'pickedUpAt',
    );
    if (!courier) return null;
    return {
      courierId: courier,
      distanceMeters: Number(distance),
      assignedAt: new Date(Number(assignedAt)),
      pickedUp: pickedUpAt !== null,
    };
  }

  async ensureHotState(): Promise<void> {
    await ensureLogisticsHotState(this.sql, this.redis, this.keys);
  }

  private async record(orderId: string, courierId: string, distanceMeters: number, assignedAt: Date) {
    await this.sql`
      insert into courier_assignments (order_id, courier_id, distance_meters, assigned_at)
      values (${orderId}, ${courierId}, ${distanceMeters}, ${assignedAt})
      on conflict do nothing`;
  }

  private assigned(
    courierId: string,
    distanceMeters: number,
    assignedAt: Date,
    fresh: boolean,
    waitedMs: number,
  ): AssignResult {
    return {
      kind: 'assigned',
      courierId,
      distanceMeters,
      fresh,
      waitedMs,
      assignedAt,
      pickupDueAt: new Date(assignedAt.getTime() + this.options.pickupTimeoutMs),
    };
  }
}
