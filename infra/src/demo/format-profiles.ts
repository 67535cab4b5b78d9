import type { SiteFormat } from './site-body.ts';

/**
 * What the demo city assumes about a site of each format when OpenStreetMap does not say:
 * how many orders it handles at once, and its hours (in OSM syntax, read by the same parser
 * as real values) when it has no usable `opening_hours` tag. The hours are typical of
 * Edinburgh shops of the kind; a format absent from the data still gets an honest guess.
 */
export interface FormatProfile {
  capacity: number;
  typicalHours: string;
}

export const FORMAT_PROFILES: Readonly<Record<SiteFormat, FormatProfile>> = {
  supermarket: { capacity: 120, typicalHours: 'Mo-Sa 07:00-22:00; Su 08:00-22:00' },
  convenience: { capacity: 40, typicalHours: 'Mo-Su 07:00-22:00' },
  fresh_market: { capacity: 25, typicalHours: 'Mo-Sa 08:00-17:30' },
  fruit: { capacity: 20, typicalHours: 'Mo-Sa 08:00-18:00' },
  bakery: { capacity: 25, typicalHours: 'Mo-Sa 07:00-17:00; Su 09:00-15:00' },
  breakfast: { capacity: 20, typicalHours: 'Mo-Fr 07:30-16:00; Sa-Su 09:00-16:00' },
  restaurant: { capacity: 30, typicalHours: 'Mo-Su 11:00-22:00' },
  pharmacy: { capacity: 30, typicalHours: 'Mo-Fr 09:00-18:00; Sa 09:00-17:00' },
  bookstore: { capacity: 10, typicalHours: 'Mo-Sa 09:30-18:00; Su 11:00-17:00' },
  barber: { capacity: 4, typicalHours: 'Tu-Sa 09:00-17:30' },
  laundry: { capacity: 15, typicalHours: 'Mo-Fr 08:00-19:00; Sa 09:00-17:00; Su 10:00-16:00' },
  tailoring: { capacity: 6, typicalHours: 'Mo-Sa 09:30-17:30' },
  repair: { capacity: 8, typicalHours: 'Mo-Fr 08:30-17:30; Sa 09:00-13:00' },
  parcel_station: { capacity: 50, typicalHours: 'Mo-Fr 09:00-17:30; Sa 09:00-12:30' },
  housekeeping: { capacity: 10, typicalHours: 'Mo-Sa 08:00-18:00' },
  elderly_care: { capacity: 10, typicalHours: 'Mo-Su 08:00-20:00' },
  childcare: { capacity: 10, typicalHours: 'Mo-Fr 08:00-18:00' },
  fitness: { capacity: 20, typicalHours: 'Mo-Fr 06:00-22:00; Sa-Su 08:00-20:00' },
};
