import type { OrderStore, SiteStore } from '@quarterhour/db';
import { AppError, conflict, type Order } from '@quarterhour/domain';
import type { CourierTarget, OrderEvents } from '@quarterhour/logistics';
import type { HeldStock } from '@quarterhour/routing';
import type { Actor } from './actor.ts';
import { type LogisticsDeps, type OrderLifecycle, Stale } from './lifecycle.ts';

/**
 * The order's side of couriers and lockers: the courier's pickup and delivery, the
 * deposit into a compartment, the customer's collection with a code, and what the
 * fulfilment jobs report (`OrderEvents`). Courier and locker state itself lives in
 * libs/logistics; every change of the order goes through the lifecycle engine, so it
 * is locked, authorised, evented and announced like any other transition.
 */
export class FulfilmentActions implements OrderEvents {
  constructor(
    private readonly lifecycle: OrderLifecycle,
    private readonly deps: {
      orders: OrderStore;
      sites: SiteStore;
      held: HeldStock;
      logistics: LogisticsDeps;
    },
  ) {}

  /** The courier collects the parcel at the site: the handover of a delivery order. */
  pickup(orderId: string, actor: Actor): Promise<Order> {
    return this.lifecycle.transition(orderId, actor, 'courier', 'pick up', async (order) => {
      if (order.order.status !== 'courier_assigned') throw this.lifecycle.wrongState(order, 'pick up');
      const courierId = String(order.row.courier_id);
      if (!(await this.deps.logistics.couriers.markPickedUp(orderId, courierId))) {
        throw conflict('this courier no longer holds the order');
      }
      return this.lifecycle.handover(order, {
        status: 'picked_up',
        events: [{ type: 'picked_up', data: { courierId } }],
      });
    });
  }

  deliver(orderId: string, actor: Actor): Promise<Order> {
    return this.lifecycle.transition(orderId, actor, 'courier', 'deliver', (order) => {
      if (order.order.status !== 'picked_up') throw this.lifecycle.wrongState(order, 'deliver');
      const courierId = String(order.row.courier_id);
      return {
        status: 'delivered',
        events: [{ type: 'delivered', data: { courierId } }],
        after: async () => {
          await this.deps.logistics.couriers.release(orderId);
        },
      };
    });
  }

  /** The site (or a courier) puts the parcel in its reserved compartment: the handover of a locker order. */
  deposit(orderId: string, actor: Actor): Promise<Order> {
    return this.lifecycle.transition(orderId, actor, ['site', 'courier'], 'deposit', async (order) => {
      this.lifecycle.requireCurrentSite(order, actor, 'deposit');
      if (order.order.status !== 'locker_reserved') throw this.lifecycle.wrongState(order, 'deposit');
      const deposited = await this.deps.logistics.lockers.deposit(orderId);
      if (!deposited) throw conflict('no compartment is reserved for this order');
      const { lockerId, compartment, expiresAt } = deposited;
      return {
        ...this.lifecycle.handover(order, {
          status: 'ready_for_pickup',
          events: [
            { type: 'deposited', data: { lockerId, compartment, expiresAt: expiresAt.toISOString() } },
          ],
        }),
        after: async () => {
          await this.deps.logistics.jobs.scheduleLockerExpiry(
            orderId,
            lockerId,
            order.order.priority,
            expiresAt,
          );
        },
      };
    });
  }

  /**
   * The customer types the code at the locker (the locker's key calls). A wrong code is
   * 404 and counts towards the lockout; a locked locker is 429 with Retry-After.
   */
  async collectAtLocker(lockerId: string, code: string, actor: Actor): Promise<Order> {
    const result = await this.deps.logistics.lockers.collect(lockerId, code);
    switch (result.kind) {
      case 'locked':
        throw new AppError('rate_limited', 'too many wrong codes: this locker refuses codes for a while', {
          retryAfterSeconds: result.retryAfterSeconds,
        });
      case 'wrong_code':
        throw new AppError(
          'not_found',
          `no parcel in this locker has that code (${result.triesLeft} more wrong codes lock the locker)`,
        );
      case 'not_deposited':
        throw conflict('the parcel for this code has not been deposited yet');
    }
    return this.lifecycle.transition(result.orderId, actor, 'locker', 'collect', (order) => {
      if (order.order.status !== 'ready_for_pickup') throw this.lifecycle.wrongState(order, 'collect');
      return { status: 'collected', events: [{ type: 'collected', data: { lockerId } }] };
    });
  }

  // --- OrderEvents: what the fulfilment jobs report ---

  async courierTarget(orderId: string): Promise<CourierTarget | null> {
    const stored = await this.deps.orders.get(orderId);
    if (stored?.order.status !== 'accepted' || stored.order.fulfilment !== 'delivery') return null;
    const site = stored.siteId ? await this.deps.sites.get(stored.siteId) : null;
    if (!site) return null;
    return { siteId: site.id, siteLocation: site.location, priority: stored.order.priority };
  }

  async onCourierAssigned(orderId: string, courierId: string, distanceMeters: number): Promise<boolean> {
    return this.lifecycle.systemTransition(orderId, 'assign a courier to', (order) => {
      if (order.order.status !== 'accepted' || order.order.fulfilment !== 'delivery') throw new Stale();
      return {
        status: 'courier_assigned',
        events: [
          {
            type: 'courier_assigned',
            data: { courierId, distanceMeters: Math.round(distanceMeters * 1000) / 1000 },
          },
        ],
        set: { courier_id: courierId },
      };
    });
  }

  async onCourierUnavailable(
    orderId: string,
    wait: { attempts: number; waitedSeconds: number; final: boolean },
  ): Promise<void> {
    await this.lifecycle.systemTransition(orderId, 'record the courier search of', (order) => {
      if (order.order.status !== 'accepted') throw new Stale();
      return { status: 'accepted', events: [{ type: 'courier_search', data: { ...wait } }] };
    });
  }

  async onCourierTimedOut(orderId: string, courierId: string): Promise<void> {
    await this.lifecycle.systemTransition(orderId, 'replace the courier of', (order) => {
      if (order.order.status !== 'courier_assigned' || order.row.courier_id !== courierId) throw new Stale();
      return {
        status: 'accepted',
        events: [{ type: 'courier_timed_out', data: { courierId } }],
        set: { courier_id: null },
      };
    });
  }

  /** The hold time passed: the parcel goes back to the site and its goods back on the shelf. */
  async expireLockerOrder(orderId: string): Promise<void> {
    await this.lifecycle.systemTransition(orderId, 'expire', (order) => {
      if (order.order.status !== 'ready_for_pickup' || order.order.fulfilment !== 'locker') throw new Stale();
      const siteId = order.siteId!;
      const lines = order.order.items ?? [];
      return {
        status: 'expired',
        events: [
          { type: 'expired', data: { lockerId: order.row.locker_id ?? null } },
          { type: 'return_to_site', data: { siteId, lockerId: order.row.locker_id ?? null } },
        ],
        write: async (tx) => {
          if (lines.length === 0) return;
          await tx`
            update stock set on_hand = least(1000000, on_hand + l.quantity), updated_at = now()
            from unnest(${lines.map((l) => l.sku)}::text[], ${lines.map((l) => l.quantity)}::int[]) as l(sku, quantity)
            where stock.site_id = ${siteId} and stock.sku = l.sku`;
        },
        redis: () => this.deps.held.restock(siteId, lines),
      };
    });
  }
}
