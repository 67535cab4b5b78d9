import type { OpeningWindow } from '@quarterhour/domain';
import type { Random } from './random.ts';

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS = [1, 2, 3, 4, 5];

/**
 * Opening-hours profiles and their shares. They cover every rule of API.md "Sites" that
 * routing must get right: always open (hours absent), ordinary days, several windows a
 * day, a close past midnight, `open` equal to `close` (the whole day), and a weekly gap.
 */
const PROFILES: ReadonlyArray<{ share: number; hours: OpeningWindow[] | undefined }> = [
  { share: 0.3, hours: undefined },
  { share: 0.3, hours: [{ days: EVERY_DAY, open: '07:00', close: '23:00' }] },
  { share: 0.12, hours: [{ days: EVERY_DAY, open: '08:30', close: '22:00' }] },
  {
    share: 0.1,
    hours: [
      { days: [1, 2, 3, 4, 5, 6], open: '09:00', close: '21:00' },
      { days: [0], open: '10:00', close: '18:00' },
    ],
  },
  { share: 0.06, hours: [{ days: EVERY_DAY, open: '18:00', close: '02:00' }] },
  {
    share: 0.06,
    hours: [
      { days: EVERY_DAY, open: '06:00', close: '10:30' },
      { days: EVERY_DAY, open: '16:00', close: '19:00' },
    ],
  },
  { share: 0.06, hours: [{ days: WEEKDAYS, open: '00:00', close: '00:00' }] },
];

/** Hours for one store, drawn by the shares above; undefined means always open. */
export function drawOpeningHours(random: Random): OpeningWindow[] | undefined {
  let roll = random.next();
  for (const profile of PROFILES) {
    roll -= profile.share;
    if (roll < 0) return profile.hours;
  }
  return PROFILES[0]!.hours;
}
