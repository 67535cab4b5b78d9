import type { OpeningWindow } from '../site-body.ts';

/**
 * Whether a site is open at an instant, read exactly as API.md "Sites" defines opening hours, so
 * the simulation sends orders near stores that routing will find open. The demo city is true to
 * time (few stores are open at 3 a.m.), and the service's clock is the real one.
 */
export interface SiteHours {
  timezone?: string;
  /** Absent: always open. */
  openingHours?: readonly OpeningWindow[];
}

const DEFAULT_TIMEZONE = 'Asia/Shanghai';
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

export function isOpenAt(site: SiteHours, at: Date): boolean {
  if (!site.openingHours) return true;
  const { day, minute } = localTime(site.timezone ?? DEFAULT_TIMEZONE, at);
  return site.openingHours.some((window) => covers(window, day, minute));
}

function covers(window: OpeningWindow, day: number, minute: number): boolean {
  const open = minutesOf(window.open);
  const close = minutesOf(window.close);
  if (open === close) return window.days.includes(day);
  if (open < close) return minute >= open && minute < close && window.days.includes(day);
  // Closes after midnight: the late part belongs to the day it opened on.
  if (minute >= open && window.days.includes(day)) return true;
  return minute < close && window.days.includes((day + 6) % 7);
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

function localTime(timezone: string, at: Date): { day: number; minute: number } {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timezone, format);
  }
  let day = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') minute += (Number(part.value) % 24) * 60;
    else if (part.type === 'minute') minute += Number(part.value);
  }
  return { day, minute };
}
