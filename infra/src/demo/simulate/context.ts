import type { Random } from '../random.ts';
import type { SimCity } from './city.ts';
import type { SimHttp } from './http.ts';
import type { KeyBook } from './keys.ts';
import type { Timings } from './options.ts';
import type { OrderBook } from './order-book.ts';
import type { SiteKeys } from './setup.ts';
import type { Point } from './wire.ts';

/** What every part of a running simulation shares. */
export interface SimContext {
  http: SimHttp;
  opsKey: string;
  platformKey: string;
  keys: KeyBook;
  siteKeys: SiteKeys;
  orders: OrderBook;
  /** Site id → location, for couriers riding to a site. */
  siteLocations: ReadonlyMap<string, Point>;
  city: SimCity;
  timings: Timings;
  behaviour: Behaviour;
  random: Random;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface Behaviour {
  /** Share of assigned orders a store declines (re-routing shows). */
  declineShare: number;
  /** Share of assigned orders a store lets time out. */
  ignoreShare: number;
  /** Share of locker collections that type a wrong code first. */
  wrongCodeShare: number;
}
