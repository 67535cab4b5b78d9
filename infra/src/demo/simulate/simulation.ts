import { randomBytes } from 'node:crypto';
import { seededRandom } from '../random.ts';
import { busiestAreas, type TrafficPlan, trafficPlan } from './city.ts';
import type { SimContext } from './context.ts';
import { Couriers } from './couriers.ts';
import { SimHttp } from './http.ts';
import { KeyBook } from './keys.ts';
import { Lockers } from './lockers.ts';
import { DEFAULT_BEHAVIOUR, DEFAULT_TIMINGS, DEFAULTS, type SimulationOptions } from './options.ts';
import { OrderBook } from './order-book.ts';
import { SiteKeys, setUp } from './setup.ts';
import { Stores } from './stores.ts';
import { placeOrders } from './traffic-loop.ts';
import { every, sleep } from './wait.ts';

export interface Simulation {
  /** Resolves when the simulation has ended: told to stop, or its duration is over. */
  readonly done: Promise<void>;
  /** Stops every loop (within about a second), takes the couriers offline and logs the last status line. */
  stop(): Promise<void>;
  /** The status line as of now. */
  summary(): string;
  /** What it saw so far, for tests. */
  readonly orders: OrderBook;
}

const REPLAN_EVERY_MS = 60_000;
const OFFLINE_TIMEOUT_MS = 1000;

/**
 * Customers, stores, couriers and lockers acting on a running stack through its public HTTP API
 * only, so `npm start` shows orders going all the way to `delivered`, `collected` and
 * `completed`. Starts at once and sets itself up in the background; never throws.
 */
export function startSimulation(options: SimulationOptions): Simulation {
  const controller = new AbortController();
  const signal = controller.signal;
  const log = options.log ?? (() => {});
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const http = new SimHttp(baseUrl, signal, log);
  const orders = new OrderBook();
  const summary = () => orders.summary(http.errors);
  let couriers: Couriers | undefined;
  const timer =
    options.durationMs === undefined ? undefined : setTimeout(() => controller.abort(), options.durationMs);

  const run = async () => {
    const runToken = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const keys = await KeyBook.open(options.keysFile);
    const setup = { http, opsKey: options.opsKey, keys, runToken };
    const areas = busiestAreas(options.city, Math.max(options.couriers ?? DEFAULTS.couriers, 4));
    const cast = await setUp(setup, areas, {
      couriers: options.couriers ?? DEFAULTS.couriers,
      lockers: options.lockers ?? DEFAULTS.lockers,
      signal,
      log,
    });
    if (!cast || signal.aborted) return;

    const ctx: SimContext = {
      http,
      opsKey: options.opsKey,
      platformKey: cast.platformKey,
      keys,
      siteKeys: new SiteKeys(setup),
      orders,
      siteLocations: new Map(options.city.sites.map((site) => [site.id, site.location])),
      city: options.city,
      timings: { ...DEFAULT_TIMINGS, ...options.timings },
      behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
      random: seededRandom(`${options.seed ?? runToken}:actors`),
      signal,
      log,
    };
    const riders = new Couriers(ctx, cast.couriers);
    couriers = riders;
    const lockerPoints = cast.lockers.map((locker) => locker.location);
    const planNow = (): TrafficPlan =>
      trafficPlan(options.city, {
        now: new Date(),
        areas,
        stores: options.stores ?? DEFAULTS.stores,
        lockers: lockerPoints,
      });
    let plan = planNow();
    const rate = options.rate ?? DEFAULTS.rate;
    log(
      `simulation: ${cast.couriers.length} couriers, ${cast.lockers.length} locker${cast.lockers.length === 1 ? '' : 's'}, orders near ` +
        `${plan.stores.length} open stores and ${plan.providers.length} providers at ~${rate}/s`,
    );
    const stores = new Stores(ctx);
    const lockers = new Lockers(ctx, cast.lockers);
    const tick = (everyMs: number, step: (now: number) => Promise<void>) =>
      every(everyMs, signal, () => step(Date.now()), log);
    await Promise.all([
      placeOrders(ctx, {
        rate,
        seed: options.seed ?? runToken,
        prefix: `demo-${runToken}`,
        mix: options.mix,
        plan: () => plan,
      }),
      tick(REPLAN_EVERY_MS, async () => {
        plan = planNow();
      }),
      tick(ctx.timings.tickMs, (now) => stores.tick(now)),
      tick(ctx.timings.tickMs, (now) => riders.tick(now)),
      tick(ctx.timings.tickMs, (now) => lockers.tick(now)),
      // The first status line after one period: at once it would say nothing.
      sleep(ctx.timings.statusEveryMs, signal).then(() =>
        tick(ctx.timings.statusEveryMs, async () => log(summary())),
      ),
    ]);
  };

  /** Whether it ends by `stop()` or by its duration: couriers offline, a last status line. */
  const finish = async () => {
    clearTimeout(timer);
    // A fresh client: the simulation's own is aborted by now; a second at most for this.
    const quick = new SimHttp(baseUrl, AbortSignal.timeout(OFFLINE_TIMEOUT_MS), () => {});
    await couriers?.offline(quick);
    log(`simulation stopped: ${summary()}`);
  };
  const done = run()
    .catch((error: unknown) => log(`simulation failed: ${(error as Error).stack ?? String(error)}`))
    .then(() => controller.abort())
    .then(finish);

  return {
    done,
    orders,
    summary,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
