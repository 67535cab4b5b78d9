import { forEachConcurrently } from '../concurrency.ts';
import type { SimContext } from './context.ts';
import { between, haversineMeters, rounded } from './geo.ts';
import type { SimHttp } from './http.ts';
import type { Courier } from './setup.ts';
import { draw } from './wait.ts';
import type { Point, WireOrder } from './wire.ts';

/** A ride to the site (then pickup) or to the customer (then deliver). */
interface Ride {
  orderId: string;
  action: 'pickup' | 'deliver';
  from: Point;
  to: Point;
  startedAt: number;
  dueAt: number;
}

interface Rider extends Courier {
  position: Point;
  /** Where the API last heard the courier was. */
  reported: Point;
  ride?: Ride;
  busy: boolean;
}

const CONCURRENCY = 4;
/** Smaller moves are not worth a request. */
const MIN_MOVE_METERS = 15;

/**
 * The couriers: each tick an idle courier reads its work list; a courier with an order rides
 * towards the site (or the customer), telling the API where it is, and picks up (or delivers)
 * when it gets there.
 */
export class Couriers {
  private readonly riders: Rider[];

  constructor(
    private readonly ctx: SimContext,
    couriers: readonly Courier[],
  ) {
    this.riders = couriers.map((courier) => ({
      ...courier,
      position: courier.home,
      reported: courier.home,
      busy: false,
    }));
  }

  async tick(now: number): Promise<void> {
    await forEachConcurrently(this.riders, CONCURRENCY, async (rider) => {
      if (rider.busy || this.ctx.signal.aborted) return;
      rider.busy = true;
      try {
        if (!rider.ride) await this.lookForWork(rider, now);
        if (rider.ride) await this.ride(rider, rider.ride, now);
      } finally {
        rider.busy = false;
      }
    });
  }

  /** Every courier offline, so the service gives no orders to couriers nobody drives. */
  async offline(http: SimHttp): Promise<void> {
    await Promise.all(
      this.riders.map((rider) =>
        http.call('PUT', `/v1/couriers/${rider.id}/status`, rider.key, { body: { status: 'offline' } }),
      ),
    );
  }

  private async lookForWork(rider: Rider, now: number): Promise<void> {
    const answer = await this.ctx.http.call('GET', `/v1/couriers/${rider.id}/orders`, rider.key);
    if (answer?.status !== 200) return;
    const orders = (answer.body as { orders: WireOrder[] }).orders;
    for (const order of orders) this.ctx.orders.see(order, now);
    const next = orders[0];
    if (!next) return;
    if (next.status === 'courier_assigned') {
      const site = next.site ? this.ctx.siteLocations.get(next.site.id) : undefined;
      rider.ride = this.plan(next.id, 'pickup', rider.position, site ?? next.customer, now);
    } else if (next.status === 'picked_up') {
      rider.ride = this.plan(next.id, 'deliver', rider.position, next.customer, now);
    }
  }

  private plan(orderId: string, action: Ride['action'], from: Point, to: Point, now: number): Ride {
    const delay = action === 'pickup' ? this.ctx.timings.toSite : this.ctx.timings.toCustomer;
    return { orderId, action, from, to, startedAt: now, dueAt: now + draw(delay, this.ctx.random) };
  }

  private async ride(rider: Rider, ride: Ride, now: number): Promise<void> {
    const arrived = now >= ride.dueAt;
    rider.position = between(ride.from, ride.to, (now - ride.startedAt) / (ride.dueAt - ride.startedAt));
    if (haversineMeters(rider.position, rider.reported) >= MIN_MOVE_METERS) {
      const at = rounded(rider.position);
      await this.ctx.http.call('PUT', `/v1/couriers/${rider.id}/location`, rider.key, { body: at });
      rider.reported = at;
    }
    if (!arrived) return;
    const answer = await this.ctx.http.call('POST', `/v1/orders/${ride.orderId}/${ride.action}`, rider.key, {
      expect: [403, 404, 409],
    });
    // Refused (cancelled, or given to another courier after a timeout): back to the work list.
    rider.ride = undefined;
    if (answer?.status !== 200) return;
    const order = answer.body as WireOrder;
    this.ctx.orders.see(order, Date.now());
    if (ride.action === 'pickup') rider.ride = this.plan(order.id, 'deliver', ride.to, order.customer, now);
  }
}
