import type { Redis } from 'ioredis';
import type { City } from '../city.ts';
import { copyStock } from './bench-db.ts';
import { rebuildHotStock } from './bench-redis.ts';
import { createSites } from './intake-api.ts';

const REBUILD_TIMEOUT_MS = 600_000;

/** How long each step of loading the city took. */
export interface CitySetup {
  sitesMs: number;
  stockMs: number;
  stockRows: number;
  rebuildMs: number;
}

/**
 * The city into a running intake the way an operator would at this scale: sites through
 * the bulk API, stock into PostgreSQL in bulk, then the intake's own rebuild of its hot
 * stock from PostgreSQL (triggered as a Redis flush would trigger it).
 */
export async function loadCity(
  city: City,
  target: {
    intakeUrl: string;
    opsKey: string;
    databaseUrl: string;
    redis: Redis;
    prefix: string;
    log: (line: string) => void;
  },
): Promise<CitySetup> {
  const { log } = target;
  log(`loading ${city.sites.length} sites`);
  let started = performance.now();
  await createSites(target.intakeUrl, target.opsKey, city.sites);
  const sitesMs = performance.now() - started;
  log(`sites created through the API in ${(sitesMs / 1000).toFixed(1)} s; copying stock`);
  started = performance.now();
  const stockRows = await copyStock(target.databaseUrl, city);
  const stockMs = performance.now() - started;
  log(`${stockRows} stock rows copied in ${(stockMs / 1000).toFixed(1)} s; intake rebuilding hot stock`);
  started = performance.now();
  await rebuildHotStock(target.redis, target.prefix, REBUILD_TIMEOUT_MS);
  const rebuildMs = performance.now() - started;
  log(`hot stock rebuilt in ${(rebuildMs / 1000).toFixed(1)} s`);
  return { sitesMs, stockMs, stockRows, rebuildMs };
}
