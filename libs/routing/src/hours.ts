import type { OpeningWindow } from '@quarterhour/domain';

/**
 * Opening hours (API.md "Sites"): a window belongs to the day it opens on; `open` is inclusive,
 * `close` exclusive; `close` may be 24:00; a `close` before `open` runs past midnight into the
 * next day (Saturday into Sunday too); `open` equal to `close` is open the whole calendar day it
 * names, 00:00 to 24:00 — not 24 hours from `open`, which would spill into the next day. No
 * hours (null or absent) is always open; an empty list has no window, so is never open.
 */

/** A wall-clock minute in a site's time zone. */
export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday. */
  readonly day: number;
  /** Minutes since local midnight, 0..1439. */
  readonly minute: number;
}

/**
 * A site's hours as the sorted instants of the week (minutes since Sunday 00:00, 0..10080) at
 * which it flips between closed and open, starting closed: a minute is open when an odd number
 * of flips lie at or before it.
 */
export interface CompiledHours {
  readonly flips: Uint16Array;
}

const MINUTES_PER_DAY = 1440;
const DAYS_PER_WEEK = 7;
const MINUTES_PER_WEEK = MINUTES_PER_DAY * DAYS_PER_WEEK;
const ZERO = '0'.charCodeAt(0);

/** 'HH:MM' (validated by the domain schema) to minutes, without allocating. */
function clockMinutes(hhmm: string): number {
  const tensOfHours = hhmm.charCodeAt(0) - ZERO;
  const hours = hhmm.charCodeAt(1) - ZERO;
  const tensOfMinutes = hhmm.charCodeAt(3) - ZERO;
  const minutes = hhmm.charCodeAt(4) - ZERO;
  return (tensOfHours * 10 + hours) * 60 + tensOfMinutes * 10 + minutes;
}

function windowCovers(window: OpeningWindow, local: LocalTime): boolean {
  const open = clockMinutes(window.open);
  const close = clockMinutes(window.close);
  if (open === close) return window.days.includes(local.day);
  if (open < close) return local.minute >= open && local.minute < close && window.days.includes(local.day);
  if (local.minute >= open && window.days.includes(local.day)) return true;
  return local.minute < close && window.days.includes((local.day + DAYS_PER_WEEK - 1) % DAYS_PER_WEEK);
}

/** Whether `hours` are open at `local`, read straight from the windows. */
export function isOpenAt(hours: readonly OpeningWindow[] | null | undefined, local: LocalTime): boolean {
  if (hours == null) return true;
  for (const window of hours) if (windowCovers(window, local)) return true;
  return false;
}

/** [start, end) intervals of the week that one window covers, split where they wrap past Saturday. */
function windowIntervals(window: OpeningWindow): Array<[number, number]> {
  const open = clockMinutes(window.open);
  const close = clockMinutes(window.close);
  const intervals: Array<[number, number]> = [];
  for (const day of window.days) {
    const midnight = day * MINUTES_PER_DAY;
    const start = open === close ? midnight : midnight + open;
    const end =
      open === close ? midnight + MINUTES_PER_DAY : midnight + close + (close < open ? MINUTES_PER_DAY : 0);
    if (end <= MINUTES_PER_WEEK) intervals.push([start, end]);
    else intervals.push([start, MINUTES_PER_WEEK], [0, end - MINUTES_PER_WEEK]);
  }
  return intervals;
}

/** Sorted, merged intervals flattened into flips; touching intervals merge, so flips strictly increase. */
function flipsOf(intervals: Array<[number, number]>): Uint16Array {
  intervals.sort((a, b) => a[0] - b[0]);
  const flips: number[] = [];
  for (const [start, end] of intervals) {
    const lastEnd = flips.at(-1);
    if (lastEnd !== undefined && start <= lastEnd) flips[flips.length - 1] = Math.max(lastEnd, end);
    else flips.push(start, end);
  }
  return Uint16Array.from(flips);
}

/** Compile a site's hours once, when the site is indexed, for `isOpenCompiled` on the hot path. */
export function compileHours(hours: readonly OpeningWindow[] | null | undefined): CompiledHours {
  if (hours == null) return { flips: Uint16Array.of(0, MINUTES_PER_WEEK) };
  return { flips: flipsOf(hours.flatMap(windowIntervals)) };
}

/** Same answer as `isOpenAt` on the hours compiled; O(log flips), no allocation. */
export function isOpenCompiled(compiled: CompiledHours, local: LocalTime): boolean {
  const { flips } = compiled;
  const minute = local.day * MINUTES_PER_DAY + local.minute;
  // Count the flips at or before `minute`: the first index whose flip is later.
  let low = 0;
  let high = flips.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((flips[mid] ?? 0) <= minute) low = mid + 1;
    else high = mid;
  }
  return (low & 1) === 1;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

interface ZoneClock {
  readonly format: Intl.DateTimeFormat;
  epochMinute: number;
  local: LocalTime;
}

/**
 * One formatter per zone (making one costs ~50 µs) and the last minute read from it: routing
 * asks about the same few zones thousands of times a minute. Zone names were validated when the
 * site was stored, so the map stays as small as the set of zones in use.
 */
const clocks = new Map<string, ZoneClock>();

function clockFor(timezone: string): ZoneClock {
  let clock = clocks.get(timezone);
  if (clock === undefined) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    clock = { format, epochMinute: Number.NaN, local: { day: 0, minute: 0 } };
    clocks.set(timezone, clock);
  }
  return clock;
}

function readClock(format: Intl.DateTimeFormat, now: Date): LocalTime {
  let day = 0;
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(now)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return Object.freeze({ day, minute: hour * 60 + minute });
}

/**
 * The wall-clock day and minute at `now` in an IANA `timezone`, as Intl (the ICU zone database)
 * reads it, DST included. Memoised per zone and UTC minute, which is exact for every zone whose
 * offset is whole minutes (all of them since 1972). Throws RangeError for an unknown zone or an
 * invalid date.
 */
export function localTime(timezone: string, now: Date): LocalTime {
  const clock = clockFor(timezone);
  const epochMinute = Math.floor(now.getTime() / 60_000);
  if (clock.epochMinute !== epochMinute) {
    clock.local = readClock(clock.format, now);
    clock.epochMinute = epochMinute;
  }
  return clock.local;
}
