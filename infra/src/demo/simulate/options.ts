import type { SimCity } from './city.ts';
import type { Behaviour } from './context.ts';
import type { TrafficMix } from './traffic.ts';

/** [min, max] milliseconds; each wait is drawn uniformly between them. */
export type Delay = readonly [min: number, max: number];

export interface Timings {
  /** How often stores look at their inbox and couriers at their work list. */
  tickMs: number;
  /** Assigned → accept (or decline). */
  accept: Delay;
  /** Pickup order accepted → ready; ready → collected by the customer at the store. */
  ready: Delay;
  collect: Delay;
  /** Locker order reserved → deposited by the store; deposited → collected at the locker. */
  deposit: Delay;
  lockerCollect: Delay;
  /** Service order accepted → completed. */
  complete: Delay;
  /** Courier assigned → at the site (pickup); picked up → at the customer (deliver). */
  toSite: Delay;
  toCustomer: Delay;
  /** An order in flight not seen for this long is read again (GET /v1/orders/:id). */
  staleMs: number;
  /** A locker order left `accepted` this long has no way on; the platform cancels it. */
  stuckMs: number;
  statusEveryMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  tickMs: 2000,
  accept: [1000, 5000],
  ready: [3000, 10_000],
  collect: [5000, 20_000],
  deposit: [2000, 8000],
  lockerCollect: [5000, 20_000],
  complete: [10_000, 30_000],
  toSite: [2000, 6000],
  toCustomer: [3000, 8000],
  staleMs: 20_000,
  stuckMs: 45_000,
  statusEveryMs: 15_000,
};

export const DEFAULT_BEHAVIOUR: Behaviour = { declineShare: 0.05, ignoreShare: 0.03, wrongCodeShare: 0.05 };

export interface SimulationOptions {
  baseUrl: string;
  /** Makes the platform key, couriers, lockers and site keys. */
  opsKey: string;
  city: SimCity;
  /** Orders a second (default 1). */
  rate?: number;
  /** Stops by itself after this long; default: runs until `stop()`. */
  durationMs?: number;
  /** Seeds the orders and choices; default: new each run. */
  seed?: string;
  couriers?: number;
  lockers?: number;
  /** How many open stores near the busy areas orders are drawn for. */
  stores?: number;
  mix?: TrafficMix;
  /** Where keys are kept between runs (`.local/demo-keys.json`); default: not kept. */
  keysFile?: string;
  timings?: Partial<Timings>;
  behaviour?: Partial<Behaviour>;
  /** Progress and refusals, one line each. */
  log?: (line: string) => void;
}

export const DEFAULTS = { rate: 1, couriers: 12, lockers: 4, stores: 12 } as const;
