import type { OpeningWindow } from '@quarterhour/domain';
import { describe, expect, it } from 'vitest';
import { compileHours, isOpenAt, isOpenCompiled, type LocalTime, localTime } from './hours.ts';

const SUN = 0;
const MON = 1;
const TUE = 2;
const WED = 3;
const THU = 4;
const SAT = 6;
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];

function at(day: number, clock: string): LocalTime {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return { day, minute: hours * 60 + minutes };
}

function window(days: number[], open: string, close: string): OpeningWindow {
  return { days, open, close };
}

type Hours = OpeningWindow[] | null | undefined;

/** Every rule is checked against the windows read directly and against the compiled form. */
const evaluators = [
  { name: 'isOpenAt', isOpen: (hours: Hours, local: LocalTime) => isOpenAt(hours, local) },
  {
    name: 'isOpenCompiled',
    isOpen: (hours: Hours, local: LocalTime) => isOpenCompiled(compileHours(hours), local),
  },
];

describe.each(evaluators)('opening hours rules ($name)', ({ isOpen }) => {
  it('treats no hours as always open, and an empty list as never open', () => {
    for (const local of [at(SUN, '00:00'), at(WED, '12:34'), at(SAT, '23:59')]) {
      expect(isOpen(null, local)).toBe(true);
      expect(isOpen(undefined, local)).toBe(true);
      expect(isOpen([], local)).toBe(false);
    }
  });

  it('opens at `open` and closes at `close`', () => {
    const hours = [window([MON], '07:00', '23:00')];
    expect(isOpen(hours, at(MON, '06:59'))).toBe(false);
    expect(isOpen(hours, at(MON, '07:00'))).toBe(true);
    expect(isOpen(hours, at(MON, '22:59'))).toBe(true);
    expect(isOpen(hours, at(MON, '23:00'))).toBe(false);
    expect(isOpen(hours, at(TUE, '12:00'))).toBe(false);
  });

  it('takes 24:00 as the end of the day', () => {
    const hours = [window([MON], '18:00', '24:00')];
    expect(isOpen(hours, at(MON, '23:59'))).toBe(true);
    expect(isOpen(hours, at(TUE, '00:00'))).toBe(false);
    expect(isOpen([window([SAT], '00:00', '24:00')], at(SAT, '00:00'))).toBe(true);
  });

  it('runs a window that closes before it opens past midnight into the next day', () => {
    const hours = [window([MON], '22:00', '02:00')];
    expect(isOpen(hours, at(MON, '21:59'))).toBe(false);
    expect(isOpen(hours, at(MON, '22:00'))).toBe(true);
    expect(isOpen(hours, at(TUE, '00:00'))).toBe(true);
    expect(isOpen(hours, at(TUE, '01:00'))).toBe(true);
    expect(isOpen(hours, at(TUE, '02:00'))).toBe(false);
    expect(isOpen(hours, at(TUE, '22:00'))).toBe(false);
    expect(isOpen(hours, at(MON, '01:00'))).toBe(false);
  });

  it('runs a Saturday night window into Sunday morning', () => {
    const hours = [window([SAT], '18:00', '02:00')];
    expect(isOpen(hours, at(SUN, '01:00'))).toBe(true);
    expect(isOpen(hours, at(SUN, '02:00'))).toBe(false);
    expect(isOpen(hours, at(SAT, '01:00'))).toBe(false);
    expect(isOpen(hours, at(SAT, '23:59'))).toBe(true);
  });

  it('ends a past-midnight window that closes at 00:00 exactly at midnight', () => {
    const hours = [window([SAT], '20:00', '00:00')];
    expect(isOpen(hours, at(SAT, '23:59'))).toBe(true);
    expect(isOpen(hours, at(SUN, '00:00'))).toBe(false);
  });

  it('opens the whole calendar day it names when open equals close', () => {
    const hours = [window([WED], '08:00', '08:00')];
    expect(isOpen(hours, at(TUE, '23:59'))).toBe(false);
    expect(isOpen(hours, at(WED, '00:00'))).toBe(true);
    expect(isOpen(hours, at(WED, '07:59'))).toBe(true);
    expect(isOpen(hours, at(WED, '23:59'))).toBe(true);
    expect(isOpen(hours, at(THU, '00:00'))).toBe(false);
    expect(isOpen(hours, at(THU, '07:59'))).toBe(false);
  });

  it('opens when any window is open: a lunch break, overlaps and touching windows', () => {
    const hours = [
      window([MON, TUE], '08:00', '12:00'),
      window([MON], '13:00', '19:00'),
      window([MON], '18:00', '21:00'),
      window([TUE], '12:00', '14:00'),
    ];
    expect(isOpen(hours, at(MON, '12:30'))).toBe(false);
    expect(isOpen(hours, at(MON, '20:59'))).toBe(true);
    expect(isOpen(hours, at(MON, '21:00'))).toBe(false);
    expect(isOpen(hours, at(TUE, '12:00'))).toBe(true);
    expect(isOpen(hours, at(TUE, '13:59'))).toBe(true);
    expect(isOpen(hours, at(TUE, '14:00'))).toBe(false);
  });

  it('is open all week with every day 00:00-00:00', () => {
    const hours = [window(EVERY_DAY, '00:00', '00:00')];
    for (let day = 0; day < 7; day++) expect(isOpen(hours, at(day, '00:00'))).toBe(true);
  });
});

/** mulberry32: a seeded generator, so a failure can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function clock(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** Times drawn from a few round values so that equal, touching and overlapping windows are common. */
function randomWindow(random: () => number): OpeningWindow {
  const pick = (max: number) =>
    random() < 0.5 ? Math.floor(random() * 8) * 180 : Math.floor(random() * max);
  const days = EVERY_DAY.filter(() => random() < 0.4);
  const open = pick(1440) % 1440;
  const roll = random();
  const close = roll < 0.1 ? open : roll < 0.2 ? 1440 : pick(1441);
  return window(days.length > 0 ? days : [Math.floor(random() * 7)], clock(open), clock(close));
}

describe('compiled hours', () => {
  it('agree with the windows at every minute of the week, for random hours', () => {
    const random = seededRandom(10_080);
    const disagreements: string[] = [];
    for (let trial = 0; trial < 300; trial++) {
      const hours = Array.from({ length: 1 + Math.floor(random() * 4) }, () => randomWindow(random));
      const compiled = compileHours(hours);
      for (let day = 0; day < 7; day++) {
        for (let minute = 0; minute < 1440; minute++) {
          const local = { day, minute };
          if (isOpenCompiled(compiled, local) !== isOpenAt(hours, local)) {
            disagreements.push(`${JSON.stringify(hours)} at ${JSON.stringify(local)}`);
          }
        }
      }
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('keep flips strictly increasing within the week', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const { flips } = compileHours(Array.from({ length: 6 }, () => randomWindow(random)));
      expect(flips.length % 2).toBe(0);
      for (let i = 1; i < flips.length; i++) expect(flips[i]).toBeGreaterThan(flips[i - 1] ?? -1);
      expect(flips.at(-1) ?? 0).toBeLessThanOrEqual(10_080);
    }
  });
});

/** The same answer by another road: a locale that prints ISO-like dates, and the weekday from the date. */
function referenceLocalTime(timezone: string, now: Date): LocalTime {
  const text = now.toLocaleString('sv-SE', { timeZone: timezone, hourCycle: 'h23' });
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):\d{2}$/.exec(text);
  if (match === null) throw new Error(`unexpected date text ${text}`);
  const [year, month, date, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return { day: new Date(Date.UTC(year, month - 1, date)).getUTCDay(), minute: hour * 60 + minute };
}

const ZONES = [
  'Europe/London',
  'Asia/Shanghai',
  'America/New_York',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Australia/Lord_Howe',
  'America/St_Johns',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
  'UTC',
];

describe('localTime', () => {
  it('agrees with a plain Intl reading, across zones, years and DST changes', () => {
    const random = seededRandom(2024);
    const from = Date.UTC(2000, 0, 1);
    const to = Date.UTC(2040, 0, 1);
    const wrong: string[] = [];
    for (let i = 0; i < 4000; i++) {
      const timezone = ZONES[i % ZONES.length] ?? 'UTC';
      const now = new Date(from + Math.floor(random() * (to - from)));
      const expected = referenceLocalTime(timezone, now);
      const actual = localTime(timezone, now);
      if (actual.day !== expected.day || actual.minute !== expected.minute) {
        wrong.push(
          `${timezone} ${now.toISOString()}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reads Shanghai as UTC+8 with no DST, the day turning at 16:00 UTC', () => {
    expect(localTime('Asia/Shanghai', new Date('2024-01-01T15:59:59Z'))).toEqual(at(MON, '23:59'));
    expect(localTime('Asia/Shanghai', new Date('2024-01-01T16:00:00Z'))).toEqual(at(TUE, '00:00'));
    expect(localTime('Asia/Shanghai', new Date('2024-07-01T04:00:00Z'))).toEqual(at(MON, '12:00'));
  });

  it('jumps from 00:59 to 02:00 when London springs forward', () => {
    expect(localTime('Europe/London', new Date('2024-03-31T00:59:00Z'))).toEqual(at(SUN, '00:59'));
    expect(localTime('Europe/London', new Date('2024-03-31T01:00:00Z'))).toEqual(at(SUN, '02:00'));
  });

  it('lives 01:00-01:59 twice when London falls back', () => {
    expect(localTime('Europe/London', new Date('2024-10-27T00:30:00Z'))).toEqual(at(SUN, '01:30'));
    expect(localTime('Europe/London', new Date('2024-10-27T01:30:00Z'))).toEqual(at(SUN, '01:30'));
    expect(localTime('Europe/London', new Date('2024-10-27T02:00:00Z'))).toEqual(at(SUN, '02:00'));
  });

  it('gives a new answer each minute and the same one within it', () => {
    const first = localTime('Asia/Kathmandu', new Date('2024-05-05T10:00:00.000Z'));
    expect(localTime('Asia/Kathmandu', new Date('2024-05-05T10:00:59.999Z'))).toBe(first);
    expect(localTime('Asia/Kathmandu', new Date('2024-05-05T10:01:00.000Z'))).toEqual(at(SUN, '15:46'));
    expect(localTime('Asia/Kathmandu', new Date('2024-05-05T09:59:59.999Z'))).toEqual(at(SUN, '15:44'));
  });

  it('keeps zones apart when asked about the same instant in turn', () => {
    const now = new Date('2024-06-01T23:30:00Z');
    for (let i = 0; i < 3; i++) {
      expect(localTime('Asia/Shanghai', now)).toEqual(at(SUN, '07:30'));
      expect(localTime('America/New_York', now)).toEqual(at(SAT, '19:30'));
    }
  });

  it('refuses an unknown zone or an invalid date', () => {
    expect(() => localTime('Mars/Olympus_Mons', new Date())).toThrow(RangeError);
    expect(() => localTime('UTC', new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('hours in a site time zone', () => {
  it('opens a London 01:00-02:00 window for no hour when clocks spring forward, two hours when they fall back', () => {
    const hours = compileHours([window([SUN], '01:00', '02:00')]);
    const openMinutes = (day: string) => {
      let open = 0;
      for (
        let t = Date.parse(`${day}T00:00:00Z`) - 3_600_000;
        t < Date.parse(`${day}T04:00:00Z`);
        t += 60_000
      ) {
        if (isOpenCompiled(hours, localTime('Europe/London', new Date(t)))) open++;
      }
      return open;
    };
    expect(openMinutes('2024-03-31')).toBe(0);
    expect(openMinutes('2024-10-27')).toBe(120);
    expect(openMinutes('2024-06-02')).toBe(60);
  });

  it('closes a Shanghai 07:00-23:00 store at 23:00 local and keeps a Monday night window open on Tuesday', () => {
    const store = compileHours([window(EVERY_DAY, '07:00', '23:00')]);
    expect(isOpenCompiled(store, localTime('Asia/Shanghai', new Date('2024-01-01T14:59:00Z')))).toBe(true);
    expect(isOpenCompiled(store, localTime('Asia/Shanghai', new Date('2024-01-01T15:00:00Z')))).toBe(false);
    const bar = [window([MON], '22:00', '02:00')];
    expect(isOpenAt(bar, localTime('Asia/Shanghai', new Date('2024-01-01T17:00:00Z')))).toBe(true);
  });
});
