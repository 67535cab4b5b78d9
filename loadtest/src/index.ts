export { type BruteForceDecision, bruteForceRoute } from './brute-force.ts';
export {
  BENCH_CITY,
  type City,
  type CityOptions,
  type CityOrder,
  type CitySite,
  generateCity,
  STOCK_ON_HAND,
  STORE_CAPACITY,
  TIMEZONE,
} from './city.ts';
export {
  buildSiteIndex,
  buildStockView,
  choiceOf,
  DEFAULT_CIRCLE,
  routeInMemory,
  toSite,
} from './memory-city.ts';
export { type Random, seededRandom, ZipfSampler } from './random.ts';
