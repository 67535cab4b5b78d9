export { ApiRefusal, ApiUnreachable } from './api-client.ts';
export {
  buildDemoCity,
  DEFAULT_DEMO_SEED,
  type DemoCity,
  type DemoCityReport,
  type SiteStock,
} from './city.ts';
export { CsvError, parseCsv, parseCsvRecords } from './csv.ts';
export { EDINBURGH_SHOPS_CSV, loadEdinburghCity, readEdinburghShops } from './edinburgh.ts';
export { type HoursResult, parseOpeningHours } from './hours.ts';
export { type MappedRow, mapOsmRow, type OsmRow, siteIdFor } from './osm.ts';
export { MAX_BULK_SITES, type SeedOptions, type SeedResult, seedCity, seedDemo } from './seed.ts';
export {
  type OpeningWindow,
  SITE_FORMATS,
  type SiteBody,
  type SiteFormat,
  type StockLine,
} from './site-body.ts';
export { type Assortment, stockFor } from './stock.ts';
