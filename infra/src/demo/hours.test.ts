import { describe, expect, it } from 'vitest';
import { parseOpeningHours } from './hours.ts';
import type { OpeningWindow } from './site-body.ts';

const MON_FRI = [1, 2, 3, 4, 5];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 0];

function windows(value: string): OpeningWindow[] {
  const result = parseOpeningHours(value);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(value)} to parse: ${result.reason}`);
  return result.windows;
}

function refused(value: string): boolean {
  return !parseOpeningHours(value).ok;
}

describe('parseOpeningHours: forms found in the Edinburgh data', () => {
  it('reads a day range with one time range', () => {
    expect(windows('Mo-Su 07:00-22:00')).toEqual([{ days: EVERY_DAY, open: '07:00', close: '22:00' }]);
  });

  it('reads several rules separated by ";", with and without spaces, grouping equal hours', () => {
    const expected = [
      { days: [...MON_FRI, 0], open: '08:00', close: '22:00' },
      { days: [6], open: '07:00', close: '22:00' },
    ];
    expect(windows('Mo-Fr 08:00-22:00;Sa 07:00-22:00; Su 08:00-22:00')).toEqual(expected);
    expect(windows('Mo-Fr 08:00-22:00 ; Sa 07:00-22:00 ;Su 08:00-22:00 ;')).toEqual(expected);
  });

  it('lets a later rule replace what an earlier one said about its days', () => {
    expect(windows('Mo-Fr 09:00-17:30; Tu 09:00-19:00; Sa 09:00-12:30')).toEqual([
      { days: [1, 3, 4, 5], open: '09:00', close: '17:30' },
      { days: [2], open: '09:00', close: '19:00' },
      { days: [6], open: '09:00', close: '12:30' },
    ]);
    expect(windows('Mo-Fr 08:30-20:00; Sa 09:00-18:00; Sa 10:00-18:00')).toEqual([
      { days: MON_FRI, open: '08:30', close: '20:00' },
      { days: [6], open: '10:00', close: '18:00' },
    ]);
    expect(windows('Mo-Sa 07:00-22:00; Th,Fr 07:00-23:00; Su 08:00-22:00')).toEqual([
      { days: [1, 2, 3, 6], open: '07:00', close: '22:00' },
      { days: [4, 5], open: '07:00', close: '23:00' },
      { days: [0], open: '08:00', close: '22:00' },
    ]);
  });

  it('reads day lists with commas', () => {
    expect(windows('Tu,Fr 09:30-17:00; We,Sa 09:30-16:00; Th 10:00-20:00')).toEqual([
      { days: [2, 5], open: '09:30', close: '17:00' },
      { days: [3, 6], open: '09:30', close: '16:00' },
      { days: [4], open: '10:00', close: '20:00' },
    ]);
    expect(windows('Mo,We 10:00-12:00; Tu,Th,Sa 10:00-18:00')).toEqual([
      { days: [1, 3], open: '10:00', close: '12:00' },
      { days: [2, 4, 6], open: '10:00', close: '18:00' },
    ]);
  });

  it('reads "," before a weekday as an additional rule', () => {
    expect(windows('Mo-We 09:00-17:30, Th 09:00-18:30, Fr-Sa 09:00-17:30')).toEqual([
      { days: [1, 2, 3, 5, 6], open: '09:00', close: '17:30' },
      { days: [4], open: '09:00', close: '18:30' },
    ]);
    expect(windows('Mo-Fr 09:00-17:30, Sa 08:00-13:00')).toEqual([
      { days: MON_FRI, open: '09:00', close: '17:30' },
      { days: [6], open: '08:00', close: '13:00' },
    ]);
  });

  it('reads several time ranges in one rule', () => {
    expect(windows('Tu-Fr 10:00-13:00,14:00-19:00; Sa 09:00-14:00')).toEqual([
      { days: [2, 3, 4, 5], open: '10:00', close: '13:00' },
      { days: [2, 3, 4, 5], open: '14:00', close: '19:00' },
      { days: [6], open: '09:00', close: '14:00' },
    ]);
  });

  it('reads "off" for a day', () => {
    expect(windows('Mo-We 09:15-17:00;Th 09:15-18:00;Fr 09:15-17:00;Sa 09:00-15:00;Su off')).toEqual([
      { days: [1, 2, 3, 5], open: '09:15', close: '17:00' },
      { days: [4], open: '09:15', close: '18:00' },
      { days: [6], open: '09:00', close: '15:00' },
    ]);
  });

  it('reads 24/7 as every day, all day', () => {
    expect(windows('24/7')).toEqual([{ days: EVERY_DAY, open: '00:00', close: '24:00' }]);
  });

  it('reads 24:00 and 00:00 closes as closing at midnight', () => {
    expect(windows('Mo-Su 06:00-24:00')).toEqual([{ days: EVERY_DAY, open: '06:00', close: '24:00' }]);
    expect(windows('Mo-Sa 06:00-00:00; Su 06:00-22:00')).toEqual([
      { days: [1, 2, 3, 4, 5, 6], open: '06:00', close: '24:00' },
      { days: [0], open: '06:00', close: '22:00' },
    ]);
  });

  it('keeps a close past midnight earlier than the open, as API.md reads it', () => {
    expect(windows('Mo-Su 06:00-01:00')).toEqual([{ days: EVERY_DAY, open: '06:00', close: '01:00' }]);
  });

  it('reads a rule without days as every day', () => {
    expect(windows('06:30-23:00')).toEqual([{ days: EVERY_DAY, open: '06:30', close: '23:00' }]);
  });

  it('reads weekday names in lower case and single-digit hours', () => {
    expect(windows('mo-sa 11:00-22:00; su 13:00-22:00')).toEqual([
      { days: [1, 2, 3, 4, 5, 6], open: '11:00', close: '22:00' },
      { days: [0], open: '13:00', close: '22:00' },
    ]);
    expect(windows('Mo-We 9:30-17:30;Th 9:30-18:00;Fr 9:30-17:30;Sa 9:00-16:00')).toEqual([
      { days: [1, 2, 3, 5], open: '09:30', close: '17:30' },
      { days: [4], open: '09:30', close: '18:00' },
      { days: [6], open: '09:00', close: '16:00' },
    ]);
  });

  it('drops a || fallback rule, which in the data only holds a comment', () => {
    expect(windows('Sa 10:00-17:30 || "on appointment"')).toEqual([
      { days: [6], open: '10:00', close: '17:30' },
    ]);
  });

  it('refuses free text', () => {
    expect(refused('10am - 4pm, Monday - Friday.')).toBe(true);
    expect(refused('9-5pm, Monday-Saturday')).toBe(true);
    expect(refused('As per garden')).toBe(true);
  });
});

describe('parseOpeningHours: the rest of the supported syntax', () => {
  it('wraps day ranges past Sunday', () => {
    expect(windows('Su-Th 10:00-22:00; Fr-Sa 10:00-02:00')).toEqual([
      { days: [1, 2, 3, 4, 0], open: '10:00', close: '22:00' },
      { days: [5, 6], open: '10:00', close: '02:00' },
    ]);
    expect(windows('Fr-Mo 12:00-14:00')).toEqual([{ days: [1, 5, 6, 0], open: '12:00', close: '14:00' }]);
  });

  it('reads extended hours past 24:00 as a close after midnight', () => {
    expect(windows('Fr-Sa 18:00-26:30')).toEqual([{ days: [5, 6], open: '18:00', close: '02:30' }]);
  });

  it('writes a range that covers a whole day as 00:00-24:00', () => {
    expect(windows('Mo 00:00-24:00')).toEqual([{ days: [1], open: '00:00', close: '24:00' }]);
    expect(windows('Mo 10:00-10:00')).toEqual([{ days: [1], open: '00:00', close: '24:00' }]);
    expect(windows('Sa-Su')).toEqual([{ days: [6, 0], open: '00:00', close: '24:00' }]);
    expect(windows('Mo-Fr 24/7')).toEqual([{ days: MON_FRI, open: '00:00', close: '24:00' }]);
  });

  it('ignores public and school holidays', () => {
    expect(windows('Mo-Fr 09:00-17:00; PH off')).toEqual([{ days: MON_FRI, open: '09:00', close: '17:00' }]);
    expect(windows('Mo-Fr,PH 09:00-17:00; SH 10:00-12:00')).toEqual([
      { days: MON_FRI, open: '09:00', close: '17:00' },
    ]);
  });

  it('lets an additional rule add to a day, and "closed" close it', () => {
    expect(windows('Mo-Fr 08:00-12:00, We 14:00-18:00')).toEqual([
      { days: MON_FRI, open: '08:00', close: '12:00' },
      { days: [3], open: '14:00', close: '18:00' },
    ]);
    expect(windows('Mo-Sa 09:00-17:00; We closed')).toEqual([
      { days: [1, 2, 4, 5, 6], open: '09:00', close: '17:00' },
    ]);
  });

  it('reads "off" alone as never open', () => {
    expect(windows('off')).toEqual([]);
  });

  it('accepts an en dash between times', () => {
    expect(windows('Mo–Fr 09:00–17:00')).toEqual([{ days: MON_FRI, open: '09:00', close: '17:00' }]);
  });

  it('refuses what it does not understand rather than guessing', () => {
    for (const value of [
      '',
      ';',
      'Jan-Mar Mo-Fr 09:00-17:00',
      'Mo-Fr 09:00+',
      'Mo-Fr 09:00-17:00 Sa 10:00-12:00',
      'Mo-Fr 24:00-02:00',
      'Mo 09:60-17:00',
      'Mo 09:00-49:00',
      'Mo 09:00-35:00',
      'Mo- 09:00-17:00',
      'Mo-Fr 09:00',
      'Mo-Fr 09:00-17:00,',
    ]) {
      expect(refused(value), value).toBe(true);
    }
  });
});
