import { type HoursSource, mapOsmRow, type OsmRow } from './osm.ts';
import { SITE_FORMATS, type SiteBody, type SiteFormat, type StockLine } from './site-body.ts';
import { stockFor } from './stock.ts';

export const DEFAULT_DEMO_SEED = 'quarterhour-demo';

export interface SiteStock {
  siteId: string;
  items: StockLine[];
}

export type SkipReason = 'unmapped' | 'bad_id' | 'bad_location' | 'duplicate_id';

/** What a build made of the rows; the numbers docs/DEMO-CITY.md quotes. */
export interface DemoCityReport {
  rows: number;
  sites: number;
  stores: number;
  providers: number;
  chains: number;
  skipped: number;
  skippedByReason: Record<SkipReason, number>;
  /** The tags of skipped rows, most common first: what a new mapping rule could pick up. */
  skippedTags: [tag: string, rows: number][];
  sitesByFormat: Record<SiteFormat, number>;
  hours: Record<HoursSource, number>;
  stockLines: number;
}

export interface DemoCity {
  sites: SiteBody[];
  /** One entry per store, in the order of `sites`; providers have no stock. */
  stock: SiteStock[];
  report: DemoCityReport;
}

/**
 * Rows of the OSM extract → site bodies and their stock, with no I/O: the same rows and seed
 * always give the same city, so tests and benchmarks can build it without a server.
 */
export function buildDemoCity(rows: readonly OsmRow[], options: { seed?: string } = {}): DemoCity {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const sites: SiteBody[] = [];
  const stock: SiteStock[] = [];
  const seen = new Set<string>();
  const skippedByReason: Record<SkipReason, number> = {
    unmapped: 0,
    bad_id: 0,
    bad_location: 0,
    duplicate_id: 0,
  };
  const skippedTags = new Map<string, number>();
  const hours: Record<HoursSource, number> = { osm: 0, unparseable: 0, missing: 0 };

  for (const row of rows) {
    const mapped = mapOsmRow(row);
    if (!mapped.ok || seen.has(mapped.site.id)) {
      const reason = mapped.ok ? 'duplicate_id' : mapped.reason;
      skippedByReason[reason] += 1;
      const tags = mapped.ok ? [] : mapped.tags;
      for (const tag of tags.length > 0 ? tags : ['(no shop tag)']) {
        skippedTags.set(tag, (skippedTags.get(tag) ?? 0) + 1);
      }
      continue;
    }
    seen.add(mapped.site.id);
    sites.push(mapped.site);
    hours[mapped.hoursSource] += 1;
    if (mapped.site.kind === 'store') {
      stock.push({ siteId: mapped.site.id, items: stockFor(mapped.site.id, mapped.assortments, seed) });
    }
  }

  const sitesByFormat = Object.fromEntries(SITE_FORMATS.map((format) => [format, 0])) as Record<
    SiteFormat,
    number
  >;
  for (const site of sites) for (const format of site.formats) sitesByFormat[format] += 1;
  const stores = sites.filter((site) => site.kind === 'store').length;
  const skipped = Object.values(skippedByReason).reduce((sum, count) => sum + count, 0);

  return {
    sites,
    stock,
    report: {
      rows: rows.length,
      sites: sites.length,
      stores,
      providers: sites.length - stores,
      chains: sites.filter((site) => site.chain).length,
      skipped,
      skippedByReason,
      skippedTags: [...skippedTags].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      sitesByFormat,
      hours,
      stockLines: stock.reduce((sum, entry) => sum + entry.items.length, 0),
    },
  };
}
