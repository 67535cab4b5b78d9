import type { Site } from '@quarterhour/domain';
import { haversineMeters, walkMinutes, walkRadiusMeters } from '@quarterhour/geo';
import { createTestRedis, type TestRedis } from '@quarterhour/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from './keys.ts';
import { planRoute } from './planner.ts';
import { Reserver } from './reserver.ts';
import { routableSite, SiteIndex } from './site-index.ts';
import type { OrderLine } from './types.ts';

const circle = { walkSpeedMPerMin: 80, detourFactor: 1.3 };
const SKUS = ['milk', 'bread', 'eggs', 'tea', 'rice', 'soap'];
const SERVICES = ['key_cutting', 'appliance_repair', 'home_cleaning'];
const ZONES = ['Asia/Shanghai', 'Europe/London', 'America/New_York'];

/** A small seeded PRNG, so a failing city can be rebuilt from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The point `meters` from `from` at `bearing` degrees (great circle). */
function destination(from: { lat: number; lng: number }, meters: number, bearing: number) {
  const R = 6_371_008.8;
  const rad = Math.PI / 180;
  const d = meters / R;
  const b = bearing * rad;
  const lat1 = from.lat * rad;
  const lng1 = from.lng * rad;
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 =
    lng1 +
    Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: lat2 / rad, lng: lng2 / rad };
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

interface World {
  sites: Site[];
  onHand: Map<string, Map<string, number>>;
  reserved: Map<string, Map<string, number>>;
  load: Map<string, number>;
}

function randomCity(seed: number, count: number): World {
  const random = prng(seed);
  const centre = { lat: 31.23, lng: 121.47 };
  const sites: Site[] = [];
  const onHand = new Map<string, Map<string, number>>();
  for (let i = 0; i < count; i++) {
    const at = destination(centre, random() * 2500, random() * 360);
    // Some sites share a spot, so ties by id are exercised.
    const location = i > 0 && random() < 0.05 ? sites[i - 1]!.location : at;
    const kind = random() < 0.75 ? 'store' : 'provider';
    const hoursRoll = random();
    const openingHours =
      hoursRoll < 0.3
        ? null
        : Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
            const open = Math.floor(random() * 24) * 60 + (random() < 0.5 ? 0 : 30);
            const roll = random();
            // Past midnight, the whole day, up to 24:00, or an ordinary window.
            const close =
              roll < 0.25
                ? (open + 120 + Math.floor(random() * 600)) % 1440
                : roll < 0.35
                  ? open
                  : roll < 0.45
                    ? 1440
                    : Math.min(1440, open + 60 + Math.floor(random() * 600));
            const days = [0, 1, 2, 3, 4, 5, 6].filter(() => random() < 0.6);
            return {
              days: days.length ? days : [Math.floor(random() * 7)],
              open: hhmm(open),
              close: close === 1440 ? '24:00' : hhmm(close),
            };
          });
    const id = `s-${String(Math.floor(random() * 1e6)).padStart(6, '0')}-${i}`;
    sites.push({
      id,
      name: id,
      kind,
      formats: [kind === 'store' ? 'convenience' : 'repair'],
      chain: false,
      location,
      timezone: ZONES[Math.floor(random() * ZONES.length)]!,
      openingHours,
      capacity: 1 + Math.floor(random() * 3),
      acceptance: { mode: 'manual', timeoutSeconds: 90 },
      services: kind === 'provider' ? SERVICES.filter(() => random() < 0.5) : [],
      status: random() < 0.1 ? 'paused' : 'open',
      cell: '',
      createdAt: '',
      updatedAt: '',
    });
    if (kind === 'store') {
      onHand.set(
        id,
        new Map(SKUS.filter(() => random() < 0.7).map((sku) => [sku, Math.floor(random() * 4)])),
      );
    }
  }
  const load = new Map(sites.map((site) => [site.id, Math.floor(random() * 2)]));
  return { sites, onHand, reserved: new Map(), load };
}

/** API.md's definition of being open now, written directly from the text with Intl. */
function openNow(site: Site, now: Date): boolean {
  if (!site.openingHours) return true;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: site.timezone,
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  return site.openingHours.some((w) => {
    const open = toMinutes(w.open);
    const close = toMinutes(w.close);
    if (open === close) return w.days.includes(day);
    if (close > open) return w.days.includes(day) && minute >= open && minute < close;
    return (w.days.includes(day) && minute >= open) || (w.days.includes((day + 6) % 7) && minute < close);
  });
}

/** The brute-force oracle: API.md's routing rules over every site, no index, no script. */
function oracle(
  world: World,
  customer: { lat: number; lng: number },
  maxWalk: number,
  now: Date,
  lines: OrderLine[],
  service?: string,
) {
  const inCircle = world.sites
    .filter((s) => (service ? s.kind === 'provider' && s.services.includes(service) : s.kind === 'store'))
    .map((s) => ({ site: s, d: haversineMeters(customer, s.location) }))
    .filter((c) => walkMinutes(c.d, circle) <= maxWalk);
  if (inCircle.length === 0) return { reason: 'no_site_in_radius' };
  const open = inCircle.filter(
    (c) =>
      c.site.status === 'open' && openNow(c.site, now) && (world.load.get(c.site.id) ?? 0) < c.site.capacity,
  );
  if (open.length === 0) return { reason: 'no_open_site' };
  const stocked = open.filter((c) =>
    lines.every(
      (l) =>
        (world.onHand.get(c.site.id)?.get(l.sku) ?? 0) - (world.reserved.get(c.site.id)?.get(l.sku) ?? 0) >=
        l.quantity,
    ),
  );
  if (stocked.length === 0) return { reason: 'out_of_stock' };
  stocked.sort((a, b) => a.d - b.d || (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0));
  return { siteId: stocked[0]!.site.id, distance: stocked[0]!.d };
}

describe('routing equals the brute-force oracle on random cities', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis?.cleanup();
  });

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`city ${seed}: every choice and every reason, as stock and load change`, async () => {
      const random = prng(seed * 7919);
      const world = randomCity(seed, 250);
      const keys = redisKeys(`${redis.prefix}:c${seed}`);
      const r = redis.redis;
      await r.set(keys.hotReady, '1');
      for (const [siteId, skus] of world.onHand)
        if (skus.size) await r.hset(keys.onHand(siteId), Object.fromEntries(skus));
      for (const [siteId, load] of world.load) await r.set(keys.load(siteId), load);
      const index = new SiteIndex(circle);
      for (const site of world.sites) index.upsert(routableSite(site));
      const reserver = new Reserver(r, keys, { pendingTtlMs: 60_000, claimTtlMs: 60_000 });
      const reasons = new Map<string, number>();

      for (let n = 0; n < 300; n++) {
        const now = new Date(Date.UTC(2026, 10, 16) + Math.floor(random() * 7 * 1440) * 60_000);
        const maxWalk = random() < 0.7 ? 15 : 1 + Math.floor(random() * 14);
        let customer = destination({ lat: 31.23, lng: 121.47 }, random() * 3200, random() * 360);
        if (random() < 0.2) {
          // On the edge of a site's circle, a hair inside or outside.
          const site = world.sites[Math.floor(random() * world.sites.length)]!;
          const edge = walkRadiusMeters(maxWalk, circle) * (1 + (random() - 0.5) * 2e-7);
          customer = destination(site.location, edge, random() * 360);
        }
        const service = random() < 0.2 ? SERVICES[Math.floor(random() * SERVICES.length)] : undefined;
        const lines = service
          ? []
          : SKUS.filter(() => random() < 0.3).map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 2) }));
        if (!service && lines.length === 0) lines.push({ sku: 'milk', quantity: 1 });

        const expected = oracle(world, customer, maxWalk, now, lines, service);
        const plan = planRoute(
          index,
          { point: customer, maxWalkMinutes: maxWalk, items: lines, serviceType: service },
          now,
        );
        const target = { orderId: `o-${seed}-${n}`, platformKeyId: 'k', externalId: `e-${n}`, lines };
        const outcome = await reserver.reserve(target, plan.ok ? plan.ranked : []);
        const actual =
          outcome.kind === 'reserved'
            ? { siteId: outcome.candidate.site.id, distance: outcome.candidate.distanceMeters }
            : { reason: plan.ok ? (outcome as { reason: string }).reason : plan.reason };
        expect(actual, `seed ${seed} order ${n}`).toEqual(expected);
        const key = 'reason' in expected ? expected.reason! : 'routed';
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
        if ('siteId' in expected && expected.siteId) {
          // Mirror the reservation in the oracle's world.
          const reserved = world.reserved.get(expected.siteId) ?? new Map<string, number>();
          for (const line of lines) reserved.set(line.sku, (reserved.get(line.sku) ?? 0) + line.quantity);
          world.reserved.set(expected.siteId, reserved);
          world.load.set(expected.siteId, (world.load.get(expected.siteId) ?? 0) + 1);
        }
      }
      // The city must exercise every outcome, or the comparison proves little.
      expect([...reasons.keys()].sort()).toEqual([
        'no_open_site',
        'no_site_in_radius',
        'out_of_stock',
        'routed',
      ]);
    });
  }
});
