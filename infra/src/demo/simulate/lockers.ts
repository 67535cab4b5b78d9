import type { SimContext } from './context.ts';
import type { Tracked } from './order-book.ts';
import type { Locker } from './setup.ts';
import { readOrder } from './stores.ts';
import { draw } from './wait.ts';
import type { WireOrder } from './wire.ts';

/** API.md: 5 wrong codes in 15 minutes lock a locker; the demo stays well below. */
const WRONG_CODE_WINDOW_MS = 15 * 60_000;
const WRONG_CODES_PER_WINDOW = 2;
/** A parcel at a locker that is not the simulation's is looked at again this much later. */
const FOREIGN_RETRY_MS = 60_000;

/**
 * The customers at the lockers: for a deposited parcel, the platform reads the pickup code
 * (the customer's app shows it) and the locker takes it, now and then after a mistyped code.
 */
export class Lockers {
  private readonly byId: Map<string, Locker>;
  private readonly wrongCodes = new Map<string, number[]>();

  constructor(
    private readonly ctx: SimContext,
    lockers: readonly Locker[],
  ) {
    this.byId = new Map(lockers.map((locker) => [locker.id, locker]));
  }

  async tick(now: number): Promise<void> {
    const waiting = this.ctx.orders
      .inFlight()
      .filter((order) => order.status === 'ready_for_pickup' && order.fulfilment === 'locker');
    for (const order of waiting) {
      if (this.ctx.signal.aborted) return;
      if (order.plan?.status !== order.status) {
        const dueAt = now + draw(this.ctx.timings.lockerCollect, this.ctx.random);
        order.plan = { status: order.status, action: 'locker', dueAt };
      }
      if (now < order.plan.dueAt || order.busy) continue;
      order.busy = true;
      try {
        await this.collect(order, now);
      } finally {
        order.busy = false;
      }
    }
  }

  private async collect(order: Tracked, now: number): Promise<void> {
    const read = await readOrder(this.ctx, order.id);
    if (!read) return;
    this.ctx.orders.see(read, now);
    const locker = read.locker ? this.byId.get(read.locker.id) : undefined;
    const code = read.locker?.pickupCode;
    if (read.status !== 'ready_for_pickup' || !locker || !code || !order.plan) {
      if (order.plan) order.plan.dueAt = now + FOREIGN_RETRY_MS;
      return;
    }
    const path = `/v1/lockers/${locker.id}/collect`;
    if (this.ctx.random.chance(this.ctx.behaviour.wrongCodeShare) && this.mayMistype(locker.id, now)) {
      const wrong = String((Number(code) + 1 + Math.floor(this.ctx.random.next() * 999_998)) % 1_000_000);
      const answer = await this.ctx.http.call('POST', path, locker.key, {
        body: { code: wrong.padStart(6, '0') },
        expect: [404, 429],
      });
      if (answer?.status === 404) this.ctx.orders.counts.wrongCodes += 1;
    }
    const answer = await this.ctx.http.call('POST', path, locker.key, { body: { code }, expect: [409, 429] });
    if (answer?.status === 200) this.ctx.orders.see(answer.body as WireOrder, Date.now());
    else order.plan.dueAt = now + (answer?.retryAfterSeconds ?? 10) * 1000;
  }

  /** At most a couple of wrong codes per locker per window, so the demo never locks one. */
  private mayMistype(lockerId: string, now: number): boolean {
    const recent = (this.wrongCodes.get(lockerId) ?? []).filter((at) => now - at < WRONG_CODE_WINDOW_MS);
    if (recent.length >= WRONG_CODES_PER_WINDOW) return false;
    this.wrongCodes.set(lockerId, [...recent, now]);
    return true;
  }
}
