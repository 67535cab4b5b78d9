import { offsetMeters, rounded } from './geo.ts';
import type { SimHttp } from './http.ts';
import type { Actor, KeyBook } from './keys.ts';
import { sleep } from './wait.ts';
import type { Point } from './wire.ts';

/** What setup needs: the HTTP client, the ops key, the key book and a token unique to this run. */
export interface SetupDeps {
  http: SimHttp;
  opsKey: string;
  keys: KeyBook;
  runToken: string;
}

export interface Courier extends Actor {
  home: Point;
}

export interface Locker extends Actor {
  location: Point;
}

const VEHICLES = ['ebike', 'bike', 'ebike', 'walk'] as const;
/** Every size at every temperature, mostly small and ambient, as real parcel lockers are. */
const COMPARTMENTS = [
  { size: 'S', temperature: 'ambient', count: 10 },
  { size: 'M', temperature: 'ambient', count: 8 },
  { size: 'L', temperature: 'ambient', count: 4 },
  { size: 'S', temperature: 'chilled', count: 6 },
  { size: 'M', temperature: 'chilled', count: 4 },
  { size: 'L', temperature: 'chilled', count: 2 },
  { size: 'S', temperature: 'frozen', count: 4 },
  { size: 'M', temperature: 'frozen', count: 3 },
  { size: 'L', temperature: 'frozen', count: 2 },
] as const;

export interface Cast {
  platformKey: string;
  couriers: Courier[];
  lockers: Locker[];
}

const SETUP_RETRY_MS = 5000;

/**
 * Everything the simulation acts with, made or found again (setup is safe to repeat on a city
 * that has it already). Without a platform key nothing can be ordered: it tries again until
 * it gets one or `signal` aborts; fewer couriers or lockers than asked is still a demo.
 */
export async function setUp(
  deps: SetupDeps,
  areas: readonly Point[],
  options: { couriers: number; lockers: number; signal: AbortSignal; log: (line: string) => void },
): Promise<Cast | undefined> {
  while (!options.signal.aborted) {
    const platformKey = await ensurePlatformKey(deps);
    if (platformKey) {
      const cast = {
        platformKey,
        couriers: await ensureCouriers(deps, areas, options.couriers),
        lockers: await ensureLockers(deps, areas, options.lockers),
      };
      await deps.keys
        .save()
        .catch((error: Error) => options.log(`could not keep the demo keys: ${error.message}`));
      return cast;
    }
    options.log(`simulation: no platform key yet; trying again in ${SETUP_RETRY_MS / 1000} s`);
    await sleep(SETUP_RETRY_MS, options.signal);
  }
  return undefined;
}

/** The platform app the customers use: the kept key while it works, else a new one. */
export async function ensurePlatformKey(deps: SetupDeps): Promise<string | undefined> {
  const kept = deps.keys.keys.platform;
  if (kept && (await deps.http.call('GET', '/v1/webhooks', kept, { expect: [401] }))?.status === 200)
    return kept;
  const made = await deps.http.call('POST', '/v1/api-keys', deps.opsKey, {
    body: { role: 'platform', name: 'demo-simulation' },
  });
  const key = made?.status === 201 ? (made.body as { key: string }).key : undefined;
  if (key) deps.keys.keys.platform = key;
  return key;
}

/** `count` couriers spread over the busy areas, at their home spot and available. */
export async function ensureCouriers(
  deps: SetupDeps,
  areas: readonly Point[],
  count: number,
): Promise<Courier[]> {
  const couriers: Courier[] = [];
  for (let slot = 1; slot <= count && areas.length > 0; slot += 1) {
    const area = areas[(slot - 1) % areas.length]!;
    // A golden-angle spiral: couriers of one area wait apart, 100-250 m from its centre.
    const angle = slot * 2.39996;
    const home = rounded(offsetMeters(area, 175 * Math.cos(angle), 175 * Math.sin(angle)));
    const actor = await ensureActor(deps, 'couriers', slot, `demo-courier-${String(slot).padStart(2, '0')}`, {
      vehicle: VEHICLES[slot % VEHICLES.length],
    });
    if (!actor) continue;
    const path = `/v1/couriers/${actor.id}`;
    await deps.http.call('PUT', `${path}/location`, actor.key, { body: home });
    await deps.http.call('PUT', `${path}/status`, actor.key, { body: { status: 'available' } });
    couriers.push({ ...actor, home });
  }
  return couriers;
}

/** `count` lockers with compartments of every kind, one at each of the busiest areas. */
export async function ensureLockers(
  deps: SetupDeps,
  areas: readonly Point[],
  count: number,
): Promise<Locker[]> {
  const lockers: Locker[] = [];
  for (let slot = 1; slot <= Math.min(count, areas.length); slot += 1) {
    // A little off the centre, so a locker does not stand in a shop.
    const location = rounded(offsetMeters(areas[slot - 1]!, 40, -30));
    const actor = await ensureActor(deps, 'lockers', slot, `demo-locker-${slot}`, {
      location,
      compartments: COMPARTMENTS,
      holdHours: 24,
    });
    if (actor) lockers.push({ ...actor, location });
  }
  return lockers;
}

/**
 * The courier or locker of a slot: the kept one while its key works; else made under the slot's
 * id, or, when that id exists from a run whose keys are lost (409: its key cannot be had
 * again), under the id with this run's token.
 */
async function ensureActor(
  deps: SetupDeps,
  kind: 'couriers' | 'lockers',
  slot: number,
  baseId: string,
  body: Record<string, unknown>,
): Promise<Actor | undefined> {
  const kept = deps.keys.keys[kind][String(slot)];
  if (kept) {
    const check = await deps.http.call('GET', `/v1/${kind}/${kept.id}`, kept.key, {
      expect: [401, 403, 404],
    });
    if (check?.status === 200) return kept;
  }
  for (const id of [baseId, `${baseId}-${deps.runToken}`]) {
    const made = await deps.http.call('POST', `/v1/${kind}`, deps.opsKey, {
      body: { id, ...body },
      expect: [409],
    });
    if (made?.status === 201) {
      const actor = { id, key: (made.body as { apiKey: string }).apiKey };
      deps.keys.keys[kind][String(slot)] = actor;
      return actor;
    }
    if (made?.status !== 409) return undefined;
    // A courier nobody drives any more must not be given orders.
    if (kind === 'couriers') {
      await deps.http.call('PUT', `/v1/couriers/${id}/status`, deps.opsKey, { body: { status: 'offline' } });
    }
  }
  return undefined;
}

/**
 * Site keys for the stores and providers the simulation acts for, made on first need with
 * `POST /v1/api-keys { role: "site", subjectId }` (the seeder does not keep the keys the bulk
 * call returns) and kept in the key book.
 */
export class SiteKeys {
  private readonly pending = new Map<string, Promise<string | undefined>>();

  constructor(private readonly deps: Omit<SetupDeps, 'runToken'>) {}

  get(siteId: string): Promise<string | undefined> {
    const kept = this.deps.keys.keys.sites[siteId];
    if (kept) return Promise.resolve(kept);
    let making = this.pending.get(siteId);
    if (!making) {
      making = this.make(siteId).finally(() => this.pending.delete(siteId));
      this.pending.set(siteId, making);
    }
    return making;
  }

  /** A key the API refused (401): the next `get` makes a new one. */
  forget(siteId: string): void {
    delete this.deps.keys.keys.sites[siteId];
  }

  private async make(siteId: string): Promise<string | undefined> {
    const made = await this.deps.http.call('POST', '/v1/api-keys', this.deps.opsKey, {
      body: { role: 'site', subjectId: siteId, name: 'demo-simulation' },
    });
    if (made?.status !== 201) return undefined;
    const key = (made.body as { key: string }).key;
    this.deps.keys.keys.sites[siteId] = key;
    await this.deps.keys.save().catch(() => {});
    return key;
  }
}
