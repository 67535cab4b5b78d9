import { randomInt, randomUUID } from 'node:crypto';
import type { Sql } from '@quarterhour/db';
import type { Clock } from '@quarterhour/domain';
import {
  type CircleSettings,
  haversineMeters,
  type Point,
  walkMinutes,
  walkRadiusMeters,
} from '@quarterhour/geo';
import type { Redis } from 'ioredis';
import { fittingCategories, type ParcelSpec, type Size, type Temperature } from '../compartments.ts';
import { ensureLogisticsHotState } from '../hot-state.ts';
import type { LogisticsKeys } from '../keys.ts';
import { logisticsScript } from '../lua-script.ts';
import { findNearby } from '../nearby.ts';
import type { HotParcel } from './parcel.ts';

/** API.md: 5 wrong codes in 15 minutes lock that locker's collect for 15 minutes. */
export const WRONG_CODE_LIMIT = 5;
export const WRONG_CODE_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_MS = 15 * 60_000;

const BATCH = 16;
const CODES_PER_CALL = 8;
/** Fresh candidate codes tried before a locker whose codes all collide is given up. */
const CODE_ROUNDS = 5;

export interface LockerDispatchOptions {
  /** WALK_SPEED_M_PER_MIN and DETOUR_FACTOR, the same circle as routing. */
  circle: CircleSettings;
  clock: Clock;
  /** Makes a candidate pickup code; tests shrink the code space to force collisions. */
  newCode?: () => string;
}

export interface ReservedParcel {
  lockerId: string;
  compartment: number;
  size: Size;
  temperature: Temperature;
  pickupCode: string;
  state: 'reserved' | 'occupied';
  expiresAt: Date | null;
}

export type ReserveResult =
  | ({ kind: 'reserved'; distanceMeters: number; walkMinutes: number } & ReservedParcel)
  /** No locker in the circle has a free compartment that fits: fall back to delivery. */
  | { kind: 'none' };

export type CollectResult =
  | { kind: 'collected'; orderId: string }
  /** Not a code of this locker's deposited parcels; `triesLeft` more lock the locker. */
  | { kind: 'wrong_code'; triesLeft: number }
  /** The locker refuses codes until then (HTTP 429 with Retry-After). */
  | { kind: 'locked'; until: Date; retryAfterSeconds: number }
  /** The code is right but the parcel has not been deposited yet. */
  | { kind: 'not_deposited'; orderId: string };

export type ExpireResult =
  | { kind: 'expired'; lockerId: string; compartment: number }
  | { kind: 'not_due'; expiresAt: Date }
  /** Reserved but never deposited: hold time has not started. */
  | { kind: 'not_deposited' }
  /** The order holds no compartment (collected, released, or expired before). */
  | { kind: 'none' };

/**
 * Reserves compartments for locker orders and follows their parcels: deposit, collect,
 * release, expiry. Each change is one Lua script on the locker's keys, so two orders never
 * get the same compartment and codes stay unique among a locker's active parcels; then
 * `locker_compartments` in PostgreSQL records it, so the hot state can be rebuilt. All
 * times come from the clock, including the wrong-code window and the lockout.
 */
export class LockerDispatch {
  private readonly reserveScript = logisticsScript('reserveCompartment');
  private readonly depositScript = logisticsScript('depositParcel');
  private readonly collectScript = logisticsScript('collectParcel');
  private readonly freeScript = logisticsScript('freeCompartment');
  private readonly newCode: () => string;

  constructor(
    private readonly sql: Sql,
    private readonly redis: Redis,
    private readonly keys: LogisticsKeys,
    private readonly options: LockerDispatchOptions,
  ) {
    this.newCode = options.newCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
  }

  /**
   * Reserves a free compartment of at least the parcel's size and of its temperature at
   * the nearest locker in the customer's circle (walkMinutes <= maxWalkMinutes, as API.md
   * defines it), with a new pickup code. Repeating it for an order returns what it holds.
   */
  async reserve(
    orderId: string,
    customer: Point,
    maxWalkMinutes: number,
    parcel: ParcelSpec,
  ): Promise<ReserveResult> {
    await this.ensureHotState();
    const { circle } = this.options;
    const nearby = (
      await findNearby(
        this.redis,
        { cellKey: this.keys.lockerCell, memberKey: this.keys.locker },
        customer,
        walkRadiusMeters(maxWalkMinutes, circle),
        ['holdHours'],
      )
    ).filter((locker) => walkMinutes(locker.distanceMeters, circle) <= maxWalkMinutes);
    const categories = fittingCategories(parcel);
    for (let round = 0; round < CODE_ROUNDS; round++) {
      const now = this.options.clock.now().getTime();
      const codes = this.candidateCodes();
      let codeBlocked = false;
      for (let start = 0; start < nearby.length || start === 0; start += BATCH) {
        const batch = nearby.slice(start, start + BATCH);
        const keys = [this.keys.hotReady, this.keys.lockerOrders];
        const args: (string | number)[] = [
          orderId,
          now,
          categories.length,
          ...categories,
          codes.length,
          ...codes,
        ];
        for (const locker of batch) {
          keys.push(
            this.keys.lockerFree(locker.id),
            this.keys.lockerCodes(locker.id),
            this.keys.lockerParcels(locker.id),
          );
          args.push(locker.id, Number(locker.fields[0]));
        }
        const reply = (await this.reserveScript.run(this.redis, keys, args)) as (string | number)[];
        const code = Number(reply[0]);
        // Lost between our check and the script: a rebuild is under way or due.
        if (code === -1) throw new HotStateMissingError();
        if (code === 1 || code === 2) {
          const lockerId = code === 1 ? batch[Number(reply[1]) - 1]!.id : String(reply[1]);
          const held = await this.recordReservation(orderId, lockerId);
          const distanceMeters =
            nearby.find((locker) => locker.id === lockerId)?.distanceMeters ??
            (await this.distanceTo(lockerId, customer));
          return {
            kind: 'reserved',
            distanceMeters,
            walkMinutes: walkMinutes(distanceMeters, circle),
            ...held,
          };
        }
        if (reply[1] === 'no_code') codeBlocked = true;
      }
      if (!codeBlocked) return { kind: 'none' };
    }
    return { kind: 'none' };
  }

  /**
   * The parcel is in its reserved compartment: the compartment is occupied and its hold
   * time starts now. Returns when it expires, or null when the order holds no compartment.
   * Repeating it returns the first expiry.
   */
  async deposit(orderId: string): Promise<{ lockerId: string; compartment: number; expiresAt: Date } | null> {
    const lockerId = await this.lockerOf(orderId);
    if (!lockerId) return null;
    const now = this.options.clock.now();
    const [code, expiresAtMs] = (await this.depositScript.run(
      this.redis,
      [this.keys.lockerParcels(lockerId)],
      [orderId, now.getTime()],
    )) as [number, number | string];
    if (code === 0) return null;
    const expiresAt = new Date(Number(expiresAtMs));
    const rows = await this.sql<{ number: number }[]>`
      update locker_compartments set state = 'occupied', deposited_at = coalesce(deposited_at, ${now}),
        expires_at = coalesce(expires_at, ${expiresAt})
      where order_id = ${orderId} returning number`;
    return { lockerId, compartment: rows[0]?.number ?? 0, expiresAt };
  }

  /**
   * A code typed at a locker. The right code of a deposited parcel frees its compartment
   * and returns the order. Wrong codes count on the clock: the 5th within 15 minutes locks
   * the locker's collect for 15 minutes, during which every code is refused.
   */
  async collect(
    lockerId: string,
    code: string,
    now: Date = this.options.clock.now(),
  ): Promise<CollectResult> {
    await this.ensureHotState();
    const [result, value] = (await this.collectScript.run(
      this.redis,
      [
        this.keys.lockerCodes(lockerId),
        this.keys.lockerParcels(lockerId),
        this.keys.lockerFree(lockerId),
        this.keys.lockerWrongCodes(lockerId),
        this.keys.lockerLockout(lockerId),
        this.keys.lockerOrders,
      ],
      [code, now.getTime(), WRONG_CODE_WINDOW_MS, WRONG_CODE_LIMIT, LOCKOUT_MS, randomUUID()],
    )) as [number, string | number];
    switch (result) {
      case 1:
        await this.freeInDatabase(String(value));
        return { kind: 'collected', orderId: String(value) };
      case 2:
        return { kind: 'not_deposited', orderId: String(value) };
      case -2: {
        const until = new Date(Number(value));
        return {
          kind: 'locked',
          until,
          retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)),
        };
      }
      default:
        return { kind: 'wrong_code', triesLeft: Number(value) };
    }
  }

  /** Gives the order's compartment back (cancel), whatever its state. False when it held none. */
  async release(orderId: string): Promise<boolean> {
    return (await this.free(orderId, 'release')).kind === 'freed';
  }

  /** Frees the compartment of a deposited parcel whose hold time has passed on the clock. */
  async expire(orderId: string): Promise<ExpireResult> {
    const outcome = await this.free(orderId, 'expire');
    return outcome.kind === 'freed' ? { ...outcome, kind: 'expired' } : outcome;
  }

  /** What the order holds at a locker now, with its pickup code (for the order's owner and ops only). */
  async parcelOf(orderId: string): Promise<ReservedParcel | null> {
    const lockerId = await this.lockerOf(orderId);
    if (!lockerId) return null;
    const raw = await this.redis.hget(this.keys.lockerParcels(lockerId), orderId);
    return raw ? view(lockerId, JSON.parse(raw) as HotParcel) : null;
  }

  async ensureHotState(): Promise<void> {
    await ensureLogisticsHotState(this.sql, this.redis, this.keys);
  }

  private async free(
    orderId: string,
    mode: 'release' | 'expire',
  ): Promise<
    Exclude<ExpireResult, { kind: 'expired' }> | { kind: 'freed'; lockerId: string; compartment: number }
  > {
    const lockerId = await this.lockerOf(orderId);
    if (lockerId) {
      const now = this.options.clock.now();
      const [code, value] = (await this.freeScript.run(
        this.redis,
        [
          this.keys.lockerParcels(lockerId),
          this.keys.lockerCodes(lockerId),
          this.keys.lockerFree(lockerId),
          this.keys.lockerOrders,
        ],
        [orderId, mode, now.getTime()],
      )) as [number, string | number];
      if (code === 2) return { kind: 'not_due', expiresAt: new Date(Number(value)) };
      if (code === 3) return { kind: 'not_deposited' };
      if (code === 1) {
        await this.freeInDatabase(orderId);
        return { kind: 'freed', lockerId, compartment: Number(value) };
      }
    }
    // Redis holds nothing: a free that died before PostgreSQL is finished here.
    await this.freeInDatabase(orderId);
    return { kind: 'none' };
  }

  private async lockerOf(orderId: string): Promise<string | null> {
    await this.ensureHotState();
    return this.redis.hget(this.keys.lockerOrders, orderId);
  }

  /**
   * Records what Redis reserved. The row is overwritten whatever it held: Redis decided,
   * and a free that has not reached PostgreSQL yet only clears rows still naming its order.
   */
  private async recordReservation(orderId: string, lockerId: string): Promise<ReservedParcel> {
    const raw = await this.redis.hget(this.keys.lockerParcels(lockerId), orderId);
    if (!raw) throw new Error(`order ${orderId}: reserved at locker ${lockerId}, but its parcel is gone`);
    const parcel = JSON.parse(raw) as HotParcel;
    await this.sql`
      update locker_compartments set state = ${parcel.state}, order_id = ${orderId}, pickup_code = ${parcel.code},
        reserved_at = ${new Date(parcel.reservedAt)},
        deposited_at = ${parcel.depositedAt ? new Date(parcel.depositedAt) : null},
        expires_at = ${parcel.expiresAt ? new Date(parcel.expiresAt) : null}
      where locker_id = ${lockerId} and number = ${parcel.number}`;
    return view(lockerId, parcel);
  }

  private async freeInDatabase(orderId: string): Promise<void> {
    await this.sql`
      update locker_compartments set state = 'free', order_id = null, pickup_code = null,
        reserved_at = null, deposited_at = null, expires_at = null
      where order_id = ${orderId}`;
  }

  private async distanceTo(lockerId: string, customer: Point): Promise<number> {
    const [lat, lng] = await this.redis.hmget(this.keys.locker(lockerId), 'lat', 'lng');
    return haversineMeters(customer, { lat: Number(lat), lng: Number(lng) });
  }

  private candidateCodes(): string[] {
    const codes = new Set<string>();
    for (let i = 0; i < CODES_PER_CALL * 4 && codes.size < CODES_PER_CALL; i++) codes.add(this.newCode());
    return [...codes];
  }
}

/** Redis lost the hot state between our check and a script; the caller may simply retry. */
export class HotStateMissingError extends Error {
  constructor() {
    super('the logistics hot state went missing during the call; retry');
    this.name = 'HotStateMissingError';
  }
}

function view(lockerId: string, parcel: HotParcel): ReservedParcel {
  return {
    lockerId,
    compartment: parcel.number,
    size: parcel.size,
    temperature: parcel.temperature,
    pickupCode: parcel.code,
    state: parcel.state,
    expiresAt: parcel.expiresAt ? new Date(parcel.expiresAt) : null,
  };
}
