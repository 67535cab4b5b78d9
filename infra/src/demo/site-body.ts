/**
 * The site body of `POST /v1/sites` as API.md writes it. The seeder is a client of the
 * public API; the list of formats is the contract's, kept once in libs/domain.
 */

import { SITE_FORMATS, type SiteFormat } from '@quarterhour/domain';

export { SITE_FORMATS, type SiteFormat };

/** Formats that sell items from stock; a site with any of them is a store. */
export const STORE_FORMATS: ReadonlySet<SiteFormat> = new Set<SiteFormat>([
  'convenience',
  'supermarket',
  'fresh_market',
  'breakfast',
  'restaurant',
  'bakery',
  'fruit',
  'pharmacy',
  'bookstore',
]);

/** `days`: 0 = Sunday; `open` inclusive, `close` exclusive, `close` may be `24:00`. */
export interface OpeningWindow {
  days: number[];
  open: string;
  close: string;
}

export type Acceptance = { mode: 'auto' } | { mode: 'manual'; timeoutSeconds: number };

export interface SiteBody {
  id: string;
  name: string;
  kind: 'store' | 'provider';
  formats: SiteFormat[];
  chain: boolean;
  location: { lat: number; lng: number };
  timezone: string;
  openingHours: OpeningWindow[];
  capacity: number;
  acceptance: Acceptance;
  services: string[];
}

export interface StockLine {
  sku: string;
  onHand: number;
}
