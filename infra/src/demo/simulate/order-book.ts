import { FINAL_STATUSES, type Fulfilment, type OrderStatus, type Point, type WireOrder } from './wire.ts';

export type SiteAction = 'accept' | 'decline' | 'ignore' | 'ready' | 'collected' | 'deposit' | 'complete';

/** An order in flight, as the simulation last saw it. */
export interface Tracked {
  id: string;
  status: OrderStatus;
  fulfilment: Fulfilment;
  service: boolean;
  siteId?: string;
  customer: Point;
  /** When the status was first seen, and when the order was last seen at all (ms). */
  since: number;
  lastSeen: number;
  /** What the site (or the locker) will do about the current status, and when. */
  plan?: { status: OrderStatus; action: SiteAction | 'locker'; dueAt: number };
  /** A request about this order is under way; nothing else starts meanwhile. */
  busy?: boolean;
}

type Outcome = 'delivered' | 'collected' | 'completed' | 'cancelled' | 'expired';

/**
 * Every order the simulation sent (or found at its stores from an earlier run) until it ends,
 * and the counts the status line reports. Orders that ended are kept only as counts, so a
 * simulation left running for days stays small.
 */
export class OrderBook {
  created = 0;
  adopted = 0;
  readonly outcomes: Record<Outcome, number> = {
    delivered: 0,
    collected: 0,
    completed: 0,
    cancelled: 0,
    expired: 0,
  };
  readonly unroutable = new Map<string, number>();
  readonly counts = { declined: 0, timedOut: 0, fellBack: 0, stuck: 0, wrongCodes: 0 };
  private readonly live = new Map<string, Tracked>();

  /** An order the simulation just placed. */
  placed(order: WireOrder, now: number): void {
    this.created += 1;
    this.track(order, now, false);
  }

  /** A 422 `unroutable` answer to a new order. */
  refused(reason: string): void {
    this.created += 1;
    this.count(reason);
  }

  /**
   * Records what an answer says of an order; returns it while it is in flight. An order not
   * known yet was placed by an earlier run: it is taken on (and counted as such).
   */
  see(order: WireOrder, now: number): Tracked | undefined {
    return this.track(order, now, true);
  }

  private track(order: WireOrder, now: number, adopt: boolean): Tracked | undefined {
    let tracked = this.live.get(order.id);
    if (!tracked) {
      if (adopt && FINAL_STATUSES.has(order.status)) return undefined;
      if (adopt) this.adopted += 1;
      tracked = {
        id: order.id,
        status: order.status,
        fulfilment: order.fulfilment,
        service: false,
        customer: order.customer,
        since: now,
        lastSeen: now,
      };
      this.live.set(order.id, tracked);
    }
    if (tracked.fulfilment === 'locker' && order.fulfilment === 'delivery') this.counts.fellBack += 1;
    const siteId = order.site?.id;
    if (tracked.siteId && siteId && siteId !== tracked.siteId && tracked.plan?.action === 'ignore') {
      this.counts.timedOut += 1;
    }
    if (tracked.status !== order.status || (siteId && siteId !== tracked.siteId)) {
      tracked.since = now;
      tracked.plan = undefined;
    }
    Object.assign(tracked, {
      status: order.status,
      fulfilment: order.fulfilment,
      service: order.service !== undefined,
      customer: order.customer,
      lastSeen: now,
    });
    if (siteId) tracked.siteId = siteId;
    if (!FINAL_STATUSES.has(order.status)) return tracked;
    this.live.delete(order.id);
    if (order.status === 'unroutable') this.count(order.unroutableReason ?? 'unknown');
    else this.outcomes[order.status as Outcome] += 1;
    return undefined;
  }

  get(id: string): Tracked | undefined {
    return this.live.get(id);
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  inFlight(): Tracked[] {
    return [...this.live.values()];
  }

  /** "120 orders — 80 delivered, 12 collected, …", what the simulation saw so far. */
  summary(refusals: number): string {
    const unroutable = [...this.unroutable.values()].reduce((sum, n) => sum + n, 0);
    const reasons = [...this.unroutable].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `${reason} ${n}`);
    let line =
      `${this.created} orders — ${this.outcomes.delivered} delivered, ${this.outcomes.collected} collected, ` +
      `${this.outcomes.completed} completed, ${this.live.size} in flight, ${unroutable} unroutable` +
      (reasons.length ? ` (${reasons.join(', ')})` : '');
    const extras: [string, number][] = [
      ['declined', this.counts.declined],
      ['timed out', this.counts.timedOut],
      ['locker→delivery', this.counts.fellBack],
      ['cancelled', this.outcomes.cancelled],
      ['of them stuck locker orders', this.counts.stuck],
      ['expired', this.outcomes.expired],
      ['wrong codes', this.counts.wrongCodes],
      ['refusals', refusals],
    ];
    const shown = extras.filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`);
    if (this.adopted) shown.unshift(`${this.adopted} found from an earlier run`);
    if (shown.length) line += `; ${shown.join(', ')}`;
    return line;
  }

  private count(reason: string): void {
    this.unroutable.set(reason, (this.unroutable.get(reason) ?? 0) + 1);
  }
}
