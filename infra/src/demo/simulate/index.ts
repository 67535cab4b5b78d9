export { busiestAreas, type SimCity, type SimSite, type TrafficPlan, trafficPlan } from './city.ts';
export type { Behaviour } from './context.ts';
export { isOpenAt, type SiteHours } from './hours.ts';
export { type DemoKeys, KeyBook } from './keys.ts';
export {
  DEFAULT_BEHAVIOUR,
  DEFAULT_TIMINGS,
  DEFAULTS,
  type Delay,
  type SimulationOptions,
  type Timings,
} from './options.ts';
export { OrderBook } from './order-book.ts';
export { type Simulation, startSimulation } from './simulation.ts';
export {
  DEFAULT_MIX,
  type OrderIntent,
  type OrderKind,
  type TrafficMix,
  type TrafficOptions,
  trafficGenerator,
} from './traffic.ts';
export type { OrderBody, Point, WireOrder } from './wire.ts';
