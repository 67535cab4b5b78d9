import type { OpeningWindow } from './site-body.ts';

/**
 * Reads the part of the OpenStreetMap `opening_hours` syntax that the Edinburgh extract uses
 * and turns it into API.md's `openingHours` windows.
 *
 * Understood: weekday ranges (`Mo-Fr`, wrapping `Fr-Mo`) and lists (`Mo,Th`); rules separated
 * by `;` (a later rule replaces what earlier ones said about the days it names) or by `,`
 * before a weekday (an additional rule: it adds to those days); several time ranges in one
 * rule (`10:00-13:00,14:00-19:00`); `24/7`; `off` / `closed`; `24:00` and times past midnight
 * (`18:00-02:00`, `18:00-26:00`); a rule without a day (every day) or without a time (all
 * day); weekday names in any letter case. Public and school holidays (`PH`, `SH`) are dropped,
 * because API.md has no holiday calendar. A `||` fallback rule is dropped too: in the data it
 * only ever holds a comment such as "on appointment".
 *
 * Anything else (month or week selectors, comments, `10am - 4pm`, free text) is refused, and
 * the caller decides what to use instead.
 */
export type HoursResult = { ok: true; windows: OpeningWindow[] } | { ok: false; reason: string };

export function parseOpeningHours(value: string): HoursResult {
  try {
    const tokens = tokenize(value.split('||')[0]!);
    const rules = new RuleReader(tokens).readAll();
    return { ok: true, windows: toWindows(applyRules(rules)) };
  } catch (error) {
    if (error instanceof HoursSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

class HoursSyntaxError extends Error {}

const MINUTES_PER_DAY = 24 * 60;
/** OSM weekday order, Monday first; index + 1 (mod 7) is the API's day number (0 = Sunday). */
const OSM_WEEKDAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'] as const;
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 0];

type Token =
  | { type: 'day'; day: number }
  | { type: 'holiday' }
  | { type: 'time'; minutes: number; text: string }
  | { type: 'always' }
  | { type: 'off' }
  | { type: 'dash' }
  | { type: 'comma' }
  | { type: 'semicolon' };

const TOKEN_PATTERNS: [RegExp, (match: RegExpExecArray) => Token][] = [
  [/^24\/7/, () => ({ type: 'always' })],
  [/^(\d{1,2}):(\d{2})/, (m) => ({ type: 'time', minutes: Number(m[1]) * 60 + Number(m[2]), text: m[0] })],
  [/^(mo|tu|we|th|fr|sa|su)(?![a-z])/i, (m) => ({ type: 'day', day: osmDayToApiDay(m[1]!) })],
  [/^(ph|sh)(?![a-z])/i, () => ({ type: 'holiday' })],
  [/^(off|closed)(?![a-z])/i, () => ({ type: 'off' })],
  [/^[-\u2013]/, () => ({ type: 'dash' })],
  [/^,/, () => ({ type: 'comma' })],
  [/^;/, () => ({ type: 'semicolon' })],
];

function osmDayToApiDay(name: string): number {
  const index = OSM_WEEKDAYS.indexOf(name.toLowerCase() as (typeof OSM_WEEKDAYS)[number]);
  return (index + 1) % 7;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    const matched = TOKEN_PATTERNS.find(([pattern]) => pattern.test(rest));
    if (!matched) throw new HoursSyntaxError(`cannot read ${JSON.stringify(rest.slice(0, 20))}`);
    const [pattern, toToken] = matched;
    const match = pattern.exec(rest)!;
    tokens.push(toToken(match));
    rest = rest.slice(match[0].length).trimStart();
  }
  return tokens;
}

/** A time range in minutes from the start of the day it opens on; `close` may exceed a day. */
interface Span {
  open: number;
  close: number;
}

interface Rule {
  /** API day numbers the rule names; every day when the rule names none. */
  days: number[];
  /** Empty when the rule closes its days. */
  spans: Span[];
  /** Added to earlier rules (after `,`) rather than replacing them (after `;`). */
  additional: boolean;
}

const WHOLE_DAY: Span = { open: 0, close: MINUTES_PER_DAY };

class RuleReader {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  readAll(): Rule[] {
    const rules: Rule[] = [];
    let additional = false;
    while (this.position < this.tokens.length) {
      if (this.peek()?.type === 'semicolon') {
        this.position += 1;
        additional = false;
        continue;
      }
      const rule = this.readRule(additional);
      if (rule) rules.push(rule);
      const next = this.peek();
      if (next === undefined) break;
      if (next.type === 'semicolon') continue;
      if (next.type === 'comma' && this.startsDaySelector(this.position + 1)) {
        this.position += 1;
        additional = true;
        continue;
      }
      throw new HoursSyntaxError(`unexpected ${next.type} after a rule`);
    }
    if (rules.length === 0) throw new HoursSyntaxError('no rule');
    return rules;
  }

  /** Undefined for a rule that names public or school holidays only. */
  private readRule(additional: boolean): Rule | undefined {
    let days: number[] = ALL_DAYS;
    let namesHolidaysOnly = false;
    if (this.startsDaySelector(this.position)) {
      const selector = this.readDaySelector();
      days = selector.days;
      namesHolidaysOnly = selector.days.length === 0;
    }
    const spans = this.readTimes(days !== ALL_DAYS);
    return namesHolidaysOnly ? undefined : { days, spans, additional };
  }

  private readDaySelector(): { days: number[] } {
    const days = new Set<number>();
    do {
      const token = this.take();
      if (token.type === 'holiday') continue;
      if (token.type !== 'day') throw new HoursSyntaxError(`expected a weekday, found ${token.type}`);
      if (this.peek()?.type === 'dash') {
        this.position += 1;
        const last = this.take();
        if (last.type !== 'day')
          throw new HoursSyntaxError(`expected a weekday after "-", found ${last.type}`);
        for (const day of weekdayRange(token.day, last.day)) days.add(day);
      } else {
        days.add(token.day);
      }
    } while (this.peek()?.type === 'comma' && this.startsDaySelector(this.position + 1) && this.skip());
    return { days: ALL_DAYS.filter((day) => days.has(day)) };
  }

  private readTimes(hasDays: boolean): Span[] {
    const token = this.peek();
    if (token?.type === 'off') {
      this.position += 1;
      return [];
    }
    if (token?.type === 'always') {
      this.position += 1;
      return [WHOLE_DAY];
    }
    if (token?.type !== 'time') {
      // "Mo-Fr" alone means open all day on those days; a rule with neither days nor times is not one.
      if (hasDays) return [WHOLE_DAY];
      throw new HoursSyntaxError(token ? `unexpected ${token.type}` : 'empty rule');
    }
    const spans: Span[] = [this.readSpan()];
    while (this.peek()?.type === 'comma' && this.tokens[this.position + 1]?.type === 'time') {
      this.position += 1;
      spans.push(this.readSpan());
    }
    return spans;
  }

  private readSpan(): Span {
    const open = this.take();
    const dash = this.take();
    const close = this.take();
    if (open.type !== 'time' || dash.type !== 'dash' || close.type !== 'time') {
      throw new HoursSyntaxError('expected a time range such as 09:00-17:30');
    }
    checkTime(open.text, open.minutes, MINUTES_PER_DAY - 1);
    checkTime(close.text, close.minutes, 2 * MINUTES_PER_DAY);
    const span = { open: open.minutes, close: close.minutes };
    if (span.close > MINUTES_PER_DAY && span.close - MINUTES_PER_DAY > span.open) {
      throw new HoursSyntaxError(`${open.text}-${close.text} lasts more than a day`);
    }
    return span;
  }

  private startsDaySelector(position: number): boolean {
    const type = this.tokens[position]?.type;
    return type === 'day' || type === 'holiday';
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private take(): Token {
    const token = this.tokens[this.position];
    if (!token) throw new HoursSyntaxError('value ends in the middle of a rule');
    this.position += 1;
    return token;
  }

  private skip(): true {
    this.position += 1;
    return true;
  }
}

function checkTime(text: string, minutes: number, maxMinutes: number): void {
  const minutePart = Number(text.slice(-2));
  if (minutePart > 59 || minutes > maxMinutes) throw new HoursSyntaxError(`${text} is not a valid time here`);
}

/** Days from `first` to `last` in week order, wrapping past Sunday (`Fr-Mo`). */
function weekdayRange(first: number, last: number): number[] {
  const start = ALL_DAYS.indexOf(first);
  const end = ALL_DAYS.indexOf(last);
  const length = ((end - start + 7) % 7) + 1;
  return Array.from({ length }, (_, offset) => ALL_DAYS[(start + offset) % 7]!);
}

/** The spans of each API day after every rule, in order, has had its say. */
function applyRules(rules: Rule[]): Map<number, Span[]> {
  const week = new Map<number, Span[]>(ALL_DAYS.map((day) => [day, []]));
  for (const rule of rules) {
    for (const day of rule.days) {
      const keep = rule.additional && rule.spans.length > 0 ? week.get(day)! : [];
      week.set(day, [...keep, ...rule.spans]);
    }
  }
  return week;
}

/** Groups days with the same time range into one window, Monday first as OSM writes them. */
function toWindows(week: Map<number, Span[]>): OpeningWindow[] {
  const windows = new Map<string, OpeningWindow>();
  for (const day of ALL_DAYS) {
    for (const span of week.get(day)!) {
      const { open, close } = toApiTimes(span);
      const key = `${open}-${close}`;
      const window = windows.get(key) ?? { days: [], open, close };
      if (!window.days.includes(day)) window.days.push(day);
      windows.set(key, window);
    }
  }
  return [...windows.values()].sort(
    (a, b) =>
      ALL_DAYS.indexOf(a.days[0]!) - ALL_DAYS.indexOf(b.days[0]!) ||
      (a.open < b.open ? -1 : a.open > b.open ? 1 : 0),
  );
}

/**
 * API.md: `close` is exclusive and may be `24:00`; a close earlier than open is after midnight;
 * open equal to close is the whole day. A span closing at midnight is written `24:00` rather
 * than `00:00`, and any span covering a full day as `00:00`-`24:00`, so each reads plainly.
 */
function toApiTimes(span: Span): { open: string; close: string } {
  const close = span.close % MINUTES_PER_DAY;
  if (close === span.open) return { open: '00:00', close: '24:00' };
  if (close === 0) return { open: clock(span.open), close: '24:00' };
  return { open: clock(span.open), close: clock(close) };
}

function clock(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  return `${String(hours).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
