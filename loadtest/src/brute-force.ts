import type { OpeningWindow } from '@quarterhour/domain';
import { type CircleSettings, haversineMeters, walkMinutes } from '@quarterhour/geo';
import type { UnroutableReason } from '@quarterhour/routing';
import type { CityOrder, CitySite } from './city.ts';

/**
 * Stock and load as the oracle reads them: plain maps (see `oracleStock` in
 * memory-city.ts), not the library's MemoryStockView, so a bug in the library's stock
 * structures cannot hide by being in the reference too.
 */
export interface OracleStock {
  onHand(siteId: string, sku: string): number;
  load(siteId: string): number;
}

export type BruteForceDecision =
  | { ok: true; siteId: string; distanceMeters: number }
  | { ok: false; reason: UnroutableReason };

/**
 * The routing rule of API.md "Orders", read literally and checked against every site: the
 * reference the indexed router must agree with, and the baseline it is measured against.
 * Shares nothing with the routing library but the distance formulas, which API.md fixes
 * ("The circle") and which live in @quarterhour/geo (the library's reason type is a type). Opening hours are evaluated here
 * from the windows, independently of the library's compiled form.
 */
export function bruteForceRoute(
  sites: readonly CitySite[],
  stock: OracleStock,
  order: CityOrder,
  now: Date,
  circle: CircleSettings,
): BruteForceDecision {
  let best: CitySite | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let candidates = 0;
  let openCandidates = 0;
  for (const site of sites) {
    if (site.kind !== 'store') continue;
    const distanceMeters = haversineMeters(order.customer, site.location);
    if (walkMinutes(distanceMeters, circle) > order.maxWalkMinutes) continue;
    candidates += 1;
    if (site.status !== 'open' || !isOpen(site, now)) continue;
    if (stock.load(site.id) >= site.capacity) continue;
    openCandidates += 1;
    if (!order.items.every((line) => stock.onHand(site.id, line.sku) >= line.quantity)) continue;
    if (distanceMeters < bestDistance || (distanceMeters === bestDistance && site.id < best!.id)) {
      best = site;
      bestDistance = distanceMeters;
    }
  }
  if (best) return { ok: true, siteId: best.id, distanceMeters: bestDistance };
  if (candidates === 0) return { ok: false, reason: 'no_site_in_radius' };
  return { ok: false, reason: openCandidates === 0 ? 'no_open_site' : 'out_of_stock' };
}

function isOpen(site: CitySite, now: Date): boolean {
  if (!site.openingHours) return true;
  const local = localTime(site.timezone, now);
  return site.openingHours.some((window) => windowCovers(window, local.day, local.minute));
}

/**
 * API.md: a window belongs to the day it opens on; `open` inclusive, `close` exclusive;
 * a `close` earlier than `open` closes on the next day; `open` equal to `close` is the
 * whole day.
 */
function windowCovers(window: OpeningWindow, day: number, minute: number): boolean {
  const open = clockMinutes(window.open);
  const close = clockMinutes(window.close);
  const today = window.days.includes(day);
  if (open === close) return today;
  if (open < close) return today && minute >= open && minute < close;
  const yesterday = window.days.includes((day + 6) % 7);
  return (today && minute >= open) || (yesterday && minute < close);
}

function clockMinutes(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
/** The last (zone, instant) read: a brute-force scan asks the same question 20,000 times. */
let lastRead: { timezone: string; at: number; day: number; minute: number } | undefined;

function localTime(timezone: string, now: Date): { day: number; minute: number } {
  if (lastRead?.timezone === timezone && lastRead.at === now.getTime()) return lastRead;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(part('weekday'));
  lastRead = { timezone, at: now.getTime(), day, minute: Number(part('hour')) * 60 + Number(part('minute')) };
  return lastRead;
}
