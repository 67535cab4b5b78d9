import type { OrderStore, Sql, StoredOrder, TransactionSql } from '@quarterhour/db';
import {
  type AppError,
  type Clock,
  conflict,
  forbidden,
  notFound,
  type Order,
  type OrderStatus,
  unavailable,
} from '@quarterhour/domain';
import type { CourierDispatch, FulfilmentJobs, LockerDispatch } from '@quarterhour/logistics';
import {
  type Candidate,
  type HeldStock,
  type OrderLine,
  planRoute,
  type RoutingPolicy,
  type SiteIndex,
} from '@quarterhour/routing';
import type { Actor } from './actor.ts';
import type { StatusChange, StatusChangeListener } from './listener.ts';
import { COMPLETED, cancellable } from './states.ts';
import type { AcceptanceTimers } from './timers.ts';

/** Who may act: the assigned site, the owning platform, or the assigned courier (ops always may). */
export type Party = 'site' | 'platform' | 'courier' | 'locker';

interface EventInput {
  type: string;
  data: Record<string, unknown>;
}

/** What a transition decides, given the locked order; the engine writes it. */
export interface Outcome {
  status: OrderStatus;
  events: EventInput[];
  /** Columns to set besides status and updated_at. */
  set?: Record<string, unknown>;
  /** Further PostgreSQL writes of the same transaction (e.g. on-hand at handover). */
  write?: (tx: TransactionSql) => Promise<void>;
  /** Redis changes, applied while the order row is locked, before the commit. */
  redis?: () => Promise<void>;
  /** Statuses passed through on the way (accepted, on the way to locker_reserved): each is a change. */
  via?: OrderStatus[];
  /** A new acceptance deadline to schedule once committed. */
  timer?: { siteId: string; attempt: number; dueAt: Date };
  /** Undoes a side effect `decide` made already (a compartment reserved) if the commit fails. */
  undo?: () => Promise<void>;
  /** Work to start once committed (releasing a courier, scheduling a locker expiry). */
  after?: () => Promise<void>;
}

/** The courier and locker side, when this process moves parcels too. */
export interface LogisticsDeps {
  couriers: CourierDispatch;
  lockers: LockerDispatch;
  jobs: FulfilmentJobs;
}

export interface LifecycleDeps {
  sql: Sql;
  orders: OrderStore;
  held: HeldStock;
  index: SiteIndex;
  policy: RoutingPolicy;
  clock: Clock;
  timers: AcceptanceTimers;
  listeners: readonly StatusChangeListener[];
  logistics?: LogisticsDeps;
  /** False until this process's site index has loaded every site. */
  indexLoaded: () => boolean;
  /** Rebuilds the hot state and returns; used when Redis lost it mid-transition. */
  rebuildHotState: () => Promise<void>;
}

/**
 * The state machine of an order after routing (API.md "Life of an order"). Every
 * transition locks the order row, checks who asks and from which status, writes the new
 * status and its events in one transaction, changes the held stock and load in Redis
 * while the row is locked, and tells the listeners. Racing transitions serialise on the
 * row lock: the first wins, the other finds the new status and gets 409.
 */
export class OrderLifecycle {
  constructor(private readonly deps: LifecycleDeps) {}

  accept(orderId: string, actor: Actor): Promise<Order> {
    return this.transition(orderId, actor, 'site', 'accept', (order, now) => {
      this.requireCurrentSite(order, actor, 'accept');
      if (order.order.status !== 'assigned') throw this.wrongState(order, 'accept');
      if (order.acceptBy && now.getTime() > order.acceptBy.getTime()) {
        throw conflict('the time to accept this order has passed; it is being routed to another site');
      }
      const accepted: Outcome = {
        status: 'accepted',
        events: [{ type: 'accepted', data: { siteId: order.siteId } }],
        set: { accept_by: null },
      };
      return order.order.fulfilment === 'locker' ? this.reserveLocker(order, accepted) : accepted;
    });
  }

  /**
   * A locker order accepted without a site's call (an auto site, at creation or after a
   * re-route) takes its compartment here, right after; a manual accept does it in the
   * accept itself. Nothing happens when the order moved on or has a compartment already.
   */
  async reserveLockerAfterAccept(orderId: string): Promise<void> {
    await this.systemTransition(orderId, 'reserve a locker for', async (order) => {
      if (order.order.status !== 'accepted' || order.order.fulfilment !== 'locker' || order.row.locker_id) {
        throw new Stale();
      }
      const outcome = await this.reserveLocker(order, { status: 'accepted', events: [] });
      if (outcome.status === 'locker_reserved') return { ...outcome, via: undefined };
      // Fell back to delivery without a change of status: start the courier search here.
      return {
        ...outcome,
        after: async () => {
          await this.deps.logistics?.jobs.requestCourier(orderId, order.order.priority);
        },
      };
    });
  }

  /**
   * A locker order, once accepted, takes a compartment at the nearest locker in the
   * customer's circle; with none free it falls back to delivery (API.md "Lockers").
   */
  private async reserveLocker(order: StoredOrder, accepted: Outcome): Promise<Outcome> {
    const lockers = this.deps.logistics?.lockers;
    if (!lockers) return accepted;
    const parcel = order.order.parcel ?? { size: 'S' as const, temperature: 'ambient' as const };
    const result = await lockers.reserve(
      order.order.id,
      order.order.customer,
      order.order.maxWalkMinutes,
      parcel,
    );
    if (result.kind === 'none') {
      return {
        ...accepted,
        events: [
          ...accepted.events,
          {
            type: 'fulfilment_changed',
            data: { from: 'locker', to: 'delivery', reason: 'no_free_compartment' },
          },
        ],
        set: { ...accepted.set, fulfilment: 'delivery' },
      };
    }
    const reservation = {
      lockerId: result.lockerId,
      compartment: result.compartment,
      distanceMeters: Math.round(result.distanceMeters * 1000) / 1000,
    };
    return {
      status: 'locker_reserved',
      via: ['accepted'],
      events: [...accepted.events, { type: 'locker_reserved', data: reservation }],
      set: { ...accepted.set, locker_id: result.lockerId },
      undo: async () => {
        await lockers.release(order.order.id);
      },
    };
  }

  decline(orderId: string, actor: Actor, reason: string | undefined): Promise<Order> {
    return this.transition(orderId, actor, 'site', 'decline', (order, now) => {
      this.requireCurrentSite(order, actor, 'decline');
      if (order.order.status !== 'assigned') throw this.wrongState(order, 'decline');
      return this.reroute(order, now, {
        type: 'declined',
        data: { siteId: order.siteId, reason: reason ?? null },
      });
    });
  }

  /**
   * The acceptance deadline of `attempt` at `siteId` has come (a timer job). Does nothing
   * when the order has moved on (accepted, declined, cancelled, or re-routed meanwhile)
   * or the deadline is not yet reached by the clock.
   */
  async timeout(orderId: string, siteId: string, attempt: number): Promise<'rerouted' | 'stale' | 'early'> {
    let result: 'rerouted' | 'stale' | 'early' = 'stale';
    await this.systemTransition(orderId, 'time out', (order, now) => {
      const current =
        order.order.status === 'assigned' && order.siteId === siteId && order.attempt === attempt;
      if (!current) throw new Stale();
      if (order.acceptBy && now.getTime() < order.acceptBy.getTime()) {
        result = 'early';
        throw new Stale();
      }
      result = 'rerouted';
      return this.reroute(order, now, { type: 'acceptance_timed_out', data: { siteId } });
    });
    return result;
  }

  ready(orderId: string, actor: Actor): Promise<Order> {
    return this.transition(orderId, actor, 'site', 'mark ready', (order) => {
      this.requireCurrentSite(order, actor, 'mark ready');
      if (order.order.fulfilment !== 'pickup') throw conflict('ready is for pickup orders');
      if (order.order.status !== 'accepted') throw this.wrongState(order, 'mark ready');
      return { status: 'ready_for_pickup', events: [{ type: 'ready_for_pickup', data: {} }] };
    });
  }

  /** The customer collected a pickup order at the store: the handover. */
  collected(orderId: string, actor: Actor): Promise<Order> {
    return this.transition(orderId, actor, 'site', 'hand over', (order) => {
      this.requireCurrentSite(order, actor, 'hand over');
      if (order.order.fulfilment !== 'pickup') throw conflict('collected is for pickup orders');
      if (order.order.status !== 'ready_for_pickup') throw this.wrongState(order, 'hand over');
      return this.handover(order, { status: 'collected', events: [{ type: 'collected', data: {} }] });
    });
  }

  complete(orderId: string, actor: Actor): Promise<Order> {
    return this.transition(orderId, actor, 'site', 'complete', (order) => {
      this.requireCurrentSite(order, actor, 'complete');
      if (!order.order.service) throw conflict('complete is for service orders');
      if (order.order.status !== 'accepted') throw this.wrongState(order, 'complete');
      return this.handover(order, { status: 'completed', events: [{ type: 'completed', data: {} }] });
    });
  }

  cancel(orderId: string, actor: Actor, reason: string | undefined): Promise<Order> {
    return this.transition(orderId, actor, 'platform', 'cancel', (order) => {
      if (!cancellable(order.order.status, order.order.fulfilment)) throw this.wrongState(order, 'cancel');
      return {
        status: 'cancelled',
        events: [{ type: 'cancelled', data: { reason: reason ?? null, by: actor.role } }],
        set: { stock_held: false, load_held: false, accept_by: null },
        redis: this.releaseAll(order),
        after: async () => {
          await this.deps.logistics?.couriers.release(order.order.id);
          await this.deps.logistics?.lockers.release(order.order.id);
        },
      };
    });
  }

  rate(orderId: string, actor: Actor, score: number, comment: string | undefined): Promise<Order> {
    return this.transition(orderId, actor, 'platform', 'rate', (order, now) => {
      if (!COMPLETED.includes(order.order.status)) throw this.wrongState(order, 'rate');
      if (order.order.rating) throw conflict('this order has been rated already');
      return {
        status: order.order.status,
        events: [{ type: 'rated', data: { score } }],
        set: { rating_score: score, rating_comment: comment ?? null, rated_at: now },
      };
    });
  }

  /**
   * A transition the service makes itself (timers, jobs): no one to authorise, and a
   * `decide` that throws `Stale` (the order has moved on) makes it quietly do nothing.
   * Returns whether it happened.
   */
  async systemTransition(
    orderId: string,
    action: string,
    decide: (order: StoredOrder, now: Date, tx: TransactionSql) => Outcome | Promise<Outcome>,
  ): Promise<boolean> {
    try {
      await this.transition(orderId, null, 'site', action, decide);
      return true;
    } catch (error) {
      if (error instanceof Stale) return false;
      throw error;
    }
  }

  /**
   * Runs one transition: lock, authorise, decide, write, apply Redis, commit, notify.
   * `actor` null means the service itself (a timer), which skips authorisation.
   */
  async transition(
    orderId: string,
    actor: Actor | null,
    party: Party | readonly Party[],
    action: string,
    decide: (order: StoredOrder, now: Date, tx: TransactionSql) => Outcome | Promise<Outcome>,
  ): Promise<Order> {
    const { sql, orders, clock, listeners } = this.deps;
    let redisApplied = false;
    const changes: StatusChange[] = [];
    let decided: Outcome | undefined;
    let after: StoredOrder;
    try {
      after = await sql.begin(async (tx) => {
        const order = await orders.lock(tx, orderId);
        if (!order) throw notFound(`order ${orderId}`);
        if (actor) authorize(order, actor, party, action);
        const now = clock.now();
        const outcome = await decide(order, now, tx);
        decided = outcome;
        await tx`update orders set ${tx({ ...outcome.set, status: outcome.status, updated_at: now })} where id = ${orderId}`;
        await orders.appendEvents(tx, orderId, now, outcome.events);
        await outcome.write?.(tx);
        const updated = (await orders.get(orderId, tx))!;
        // A re-route keeps `assigned` but changes the site: the platform hears of that too.
        if (outcome.status !== order.order.status || updated.siteId !== order.siteId) {
          let from: OrderStatus = order.order.status;
          for (const status of [...(outcome.via ?? []), outcome.status]) {
            const order_ = { ...updated.order, status };
            changes.push({
              orderId,
              platformKeyId: order.platformKeyId,
              siteId: updated.siteId,
              from,
              status,
              at: now,
              order: order_,
            });
            from = status;
          }
          for (const change of changes) for (const listener of listeners) await listener.record?.(tx, change);
        }
        if (outcome.redis) {
          redisApplied = true;
          await outcome.redis();
        }
        return updated;
      });
    } catch (error) {
      // Redis moved but PostgreSQL did not: rebuild the hot state from PostgreSQL.
      if (redisApplied) await this.deps.held.invalidate().catch(() => {});
      await decided?.undo?.().catch(() => {});
      throw error;
    }
    if (changes.length) {
      for (const listener of listeners) {
        try {
          await listener.afterCommit?.(changes);
        } catch {
          // Listeners keep their own outbox; a lost notification is re-sent by their sweeper.
        }
      }
    }
    const outcome = decided as Outcome | undefined;
    if (outcome?.timer) {
      const { siteId, attempt, dueAt } = outcome.timer;
      await this.deps.timers.schedule(orderId, siteId, attempt, dueAt, after.order.priority).catch(() => {});
    }
    await outcome?.after?.().catch(() => {});
    return after.order;
  }

  /** Declined or timed out: give back what the order held and try the next site, never one asked before. */
  private async reroute(order: StoredOrder, now: Date, first: EventInput): Promise<Outcome> {
    if (!this.deps.indexLoaded()) throw unavailable('the site index is still loading; try again');
    const excluded = [...order.excludedSites, order.siteId!];
    const lines: OrderLine[] = order.order.items ?? [];
    const plan = planRoute(
      this.deps.index,
      {
        point: order.order.customer,
        maxWalkMinutes: order.order.maxWalkMinutes,
        items: order.order.items,
        serviceType: order.order.service?.type,
        exclude: new Set(excluded),
      },
      now,
      this.deps.policy,
    );
    // Enough for any circle: the script walks them in one call while the old site is released.
    const ranked: Candidate[] = plan.ok ? plan.ranked.take(256) : [];
    let moved = await this.deps.held.move(order.siteId!, order.stockHeld ? lines : [], ranked);
    if (moved.kind === 'hot_state_missing') {
      await this.deps.rebuildHotState();
      moved = await this.deps.held.move(order.siteId!, order.stockHeld ? lines : [], ranked);
      if (moved.kind === 'hot_state_missing') throw unavailable('stock is being rebuilt; try again');
    }
    const attempt = order.attempt + 1;
    const base = { excluded_sites: excluded, attempt };
    if (moved.kind === 'unroutable') {
      // No site left that was not asked already: all declined; else the true reason now.
      const everyoneAsked = !plan.ok || ranked.length === 0;
      const reason = everyoneAsked ? 'all_declined' : moved.reason;
      return {
        status: 'unroutable',
        events: [first, { type: 'unroutable', data: { reason } }],
        set: {
          ...base,
          unroutable_reason: reason,
          site_id: null,
          distance_meters: null,
          walk_minutes: null,
          stock_held: false,
          load_held: false,
          accept_by: null,
        },
      };
    }
    const next = moved.candidate;
    const auto = next.site.acceptanceMode === 'auto';
    const dueAt = new Date(now.getTime() + next.site.acceptanceTimeoutSeconds * 1000);
    const distanceMeters = Math.round(next.distanceMeters * 1000) / 1000;
    const events: EventInput[] = [
      first,
      { type: 'rerouted', data: { fromSiteId: order.siteId, toSiteId: next.site.id, distanceMeters } },
    ];
    if (auto) events.push({ type: 'accepted', data: { siteId: next.site.id, auto: true } });
    return {
      status: auto ? 'accepted' : 'assigned',
      events,
      set: {
        ...base,
        site_id: next.site.id,
        distance_meters: distanceMeters,
        walk_minutes: Math.round(next.walkMinutes * 1000) / 1000,
        accept_by: auto ? null : dueAt,
      },
      timer: auto ? undefined : { siteId: next.site.id, attempt, dueAt },
    };
  }

  /** The goods leave the site: on-hand and reserved fall, and the order leaves the site's load. */
  handover(order: StoredOrder, outcome: Pick<Outcome, 'status' | 'events'>): Outcome {
    const lines = order.stockHeld ? (order.order.items ?? []) : [];
    const siteId = order.siteId!;
    return {
      ...outcome,
      set: { stock_held: false, load_held: false },
      write: async (tx) => {
        if (lines.length === 0) return;
        await tx`
          update stock set on_hand = greatest(0, on_hand - l.quantity), updated_at = now()
          from unnest(${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[]) as l(sku, quantity)
          where stock.site_id = ${siteId} and stock.sku = l.sku`;
      },
      redis: () => this.deps.held.commit(siteId, lines, order.loadHeld),
    };
  }

  private releaseAll(order: StoredOrder): (() => Promise<void>) | undefined {
    if (!order.siteId || (!order.stockHeld && !order.loadHeld)) return undefined;
    const lines = order.stockHeld ? (order.order.items ?? []) : [];
    return () => this.deps.held.release(order.siteId!, lines, order.loadHeld);
  }

  requireCurrentSite(order: StoredOrder, actor: Actor, action: string): void {
    if (actor.role === 'site' && actor.subjectId !== order.siteId) {
      throw conflict(`this order was routed to another site; it can no longer ${action} here`);
    }
  }

  wrongState(order: StoredOrder, action: string): AppError {
    return conflict(`cannot ${action} an order that is ${order.order.status}`);
  }
}

/** Thrown by `decide` when the order has moved on and the caller wants nothing done. */
export class Stale extends Error {}

/**
 * Who may act on an order (API.md roles): ops always; the rightful party of the action;
 * anyone else who can see the order gets 403, anyone who cannot gets 404 (so a key
 * cannot learn that another's order exists).
 */
function authorize(order: StoredOrder, actor: Actor, party: Party | readonly Party[], action: string): void {
  if (actor.role === 'ops') return;
  const visible = canSee(order, actor);
  if (!visible) throw notFound(`order ${order.order.id}`);
  const parties: readonly Party[] = typeof party === 'string' ? [party] : party;
  const rightful = parties.some(
    (party) =>
      (party === 'site' && actor.role === 'site') ||
      (party === 'platform' && actor.role === 'platform' && actor.keyId === order.platformKeyId) ||
      (party === 'courier' && actor.role === 'courier' && actor.subjectId === order.row.courier_id) ||
      (party === 'locker' && actor.role === 'locker' && actor.subjectId === order.row.locker_id),
  );
  if (!rightful) throw forbidden(`a ${actor.role} key may not ${action} this order`);
}

/**
 * Who may address a transition to the order: the owning platform, the assigned site,
 * the assigned courier — and sites it was routed away from, so that a late accept is
 * told 409 "routed elsewhere" rather than 404. Reading the order is narrower (the
 * current site only); see the order routes.
 */
export function canSee(order: StoredOrder, actor: Actor): boolean {
  switch (actor.role) {
    case 'ops':
      return true;
    case 'platform':
      return actor.keyId === order.platformKeyId;
    case 'site':
      return (
        actor.subjectId !== null &&
        (actor.subjectId === order.siteId || order.excludedSites.includes(actor.subjectId))
      );
    case 'courier':
      return actor.subjectId !== null && actor.subjectId === order.row.courier_id;
    case 'locker':
      return actor.subjectId !== null && actor.subjectId === order.row.locker_id;
    default:
      return false;
  }
}
