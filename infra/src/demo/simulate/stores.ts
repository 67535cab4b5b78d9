import { forEachConcurrently } from '../concurrency.ts';
import type { SimContext } from './context.ts';
import type { Delay } from './options.ts';
import type { SiteAction, Tracked } from './order-book.ts';
import { draw } from './wait.ts';
import type { OrderStatus, WireOrder } from './wire.ts';

/** What a site's inbox is asked for: every status in which the site has something to do. */
const INBOX_STATUSES: readonly OrderStatus[] = [
  'assigned',
  'accepted',
  'locker_reserved',
  'ready_for_pickup',
];
const INBOX_PATH = `orders?status=${INBOX_STATUSES.join(',')}&limit=200`;
/** Inboxes read at once: enough to keep up, few enough for a small machine. */
const CONCURRENCY = 4;
/** Orders read again per tick when nothing was heard of them for a while. */
const REFRESH_PER_TICK = 5;

/** Whether the order waits for its site (rather than a courier, a locker or nobody). */
export function waitsForSite(order: Tracked): boolean {
  switch (order.status) {
    case 'assigned':
    case 'locker_reserved':
      return true;
    case 'accepted':
      // A locker order still `accepted` is stuck (see cancelIfStuck); the site's poll finds it.
      return order.service || order.fulfilment === 'pickup' || order.fulfilment === 'locker';
    case 'ready_for_pickup':
      return order.fulfilment === 'pickup';
    default:
      return false;
  }
}

/**
 * The stores and providers: each tick, every site with orders waiting for it reads its inbox and
 * acts on what is due — accept (or now and then decline, or let time out), ready and collected
 * for pickup orders, deposit for locker orders, complete for services.
 */
export class Stores {
  private adopted = false;

  constructor(private readonly ctx: SimContext) {}

  async tick(now: number): Promise<void> {
    const sites = new Set(
      this.ctx.orders
        .inFlight()
        .filter(waitsForSite)
        .flatMap((order) => (order.siteId ? [order.siteId] : [])),
    );
    // The first time, look at every site we hold a key for: orders of an earlier run go on.
    if (!this.adopted) {
      for (const siteId of Object.keys(this.ctx.keys.keys.sites)) sites.add(siteId);
      this.adopted = true;
    }
    await forEachConcurrently([...sites], CONCURRENCY, (siteId) => this.visit(siteId, now));
    await this.refreshStale(now);
  }

  private async visit(siteId: string, now: number): Promise<void> {
    const key = await this.ctx.siteKeys.get(siteId);
    if (!key || this.ctx.signal.aborted) return;
    const inbox = await this.ctx.http.call('GET', `/v1/sites/${siteId}/${INBOX_PATH}`, key, {
      expect: [401],
    });
    if (inbox?.status === 401) this.ctx.siteKeys.forget(siteId);
    if (inbox?.status !== 200) return;
    const listed = new Set<string>();
    for (const order of (inbox.body as { orders: WireOrder[] }).orders) {
      listed.add(order.id);
      this.ctx.orders.see(order, now);
    }
    const here = this.ctx.orders.inFlight().filter((order) => order.siteId === siteId);
    for (const order of here) {
      // Gone from the inbox: re-routed, timed out or moved on; read it again soon.
      if (!listed.has(order.id) && INBOX_STATUSES.includes(order.status)) order.lastSeen = 0;
      else if (order.status === 'accepted' && order.fulfilment === 'locker' && !order.service)
        await this.cancelIfStuck(order, now);
      else if (waitsForSite(order)) await this.act(order, key, now);
    }
  }

  private async act(order: Tracked, key: string, now: number): Promise<void> {
    const { behaviour, random, timings } = this.ctx;
    if (order.plan?.status !== order.status) {
      let action: SiteAction;
      let delay: Delay;
      if (order.status === 'assigned') {
        const roll = random.next();
        action =
          roll < behaviour.declineShare
            ? 'decline'
            : roll < behaviour.declineShare + behaviour.ignoreShare
              ? 'ignore'
              : 'accept';
        delay = timings.accept;
      } else if (order.status === 'locker_reserved') [action, delay] = ['deposit', timings.deposit];
      else if (order.service) [action, delay] = ['complete', timings.complete];
      else if (order.status === 'accepted') [action, delay] = ['ready', timings.ready];
      else [action, delay] = ['collected', timings.collect];
      order.plan = { status: order.status, action, dueAt: now + draw(delay, random) };
    }
    const { action, dueAt } = order.plan;
    if (action === 'ignore' || action === 'locker' || now < dueAt || order.busy) return;
    order.busy = true;
    const answer = await this.ctx.http.call('POST', `/v1/orders/${order.id}/${action}`, key, {
      body: action === 'decline' ? { reason: 'too busy right now' } : undefined,
      expect: [404, 409],
    });
    order.busy = false;
    if (answer?.status === 200) {
      if (action === 'decline') this.ctx.orders.counts.declined += 1;
      this.ctx.orders.see(answer.body as WireOrder, Date.now());
    } else {
      order.lastSeen = 0;
    }
  }

  /**
   * A locker order accepted on assignment (an auto-accepting site) gets no compartment and has
   * no way on through the API, yet counts against the site's capacity: the customer cancels it.
   */
  private async cancelIfStuck(order: Tracked, now: number): Promise<void> {
    if (order.busy || now - order.since < this.ctx.timings.stuckMs) return;
    order.busy = true;
    const answer = await this.ctx.http.call('POST', `/v1/orders/${order.id}/cancel`, this.ctx.platformKey, {
      body: { reason: 'no locker compartment was reserved' },
      expect: [404, 409],
    });
    order.busy = false;
    if (answer?.status !== 200) return;
    this.ctx.orders.counts.stuck += 1;
    this.ctx.orders.see(answer.body as WireOrder, Date.now());
  }

  /** Orders nobody listed for a while (waiting for a courier, re-routed away) are read directly. */
  private async refreshStale(now: number): Promise<void> {
    const stale = this.ctx.orders
      .inFlight()
      .filter((order) => !order.busy && now - order.lastSeen > this.ctx.timings.staleMs)
      .sort((a, b) => a.lastSeen - b.lastSeen)
      .slice(0, REFRESH_PER_TICK);
    for (const order of stale) {
      if (this.ctx.signal.aborted) return;
      const answer = await readOrder(this.ctx, order.id);
      if (answer) this.ctx.orders.see(answer, Date.now());
      else order.lastSeen = now;
    }
  }
}

/** The order as its platform sees it (with the pickup code); ops for orders of an earlier run's platform key. */
export async function readOrder(ctx: SimContext, orderId: string): Promise<WireOrder | undefined> {
  for (const key of [ctx.platformKey, ctx.opsKey]) {
    const answer = await ctx.http.call('GET', `/v1/orders/${orderId}`, key, { expect: [404] });
    if (answer?.status === 200) return answer.body as WireOrder;
    if (answer?.status !== 404) return undefined;
  }
  return undefined;
}
