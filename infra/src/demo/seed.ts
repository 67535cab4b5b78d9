import { type ApiClient, apiClient, expectStatus } from './api-client.ts';
import type { DemoCity } from './city.ts';
import { forEachConcurrently } from './concurrency.ts';
import { loadEdinburghCity } from './edinburgh.ts';
import type { SiteBody } from './site-body.ts';

export { buildDemoCity } from './city.ts';

export interface SeedOptions {
  baseUrl: string;
  opsKey: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  sites: number;
  stores: number;
  providers: number;
  skipped: number;
  stockLines: number;
}

/** API.md: `POST /v1/sites/bulk` takes at most 5000 sites. */
export const MAX_BULK_SITES = 5000;
/** Enough requests in flight to keep a local stack busy, few enough not to queue at the pool. */
export const SEED_CONCURRENCY = 16;

/**
 * Seeds the Edinburgh demo city into a running stack through its public HTTP API, with an ops
 * key: sites first (bulk, or one by one when some already exist), then every store's stock.
 * Safe to run again on a seeded stack: existing sites are updated and stock is overwritten.
 */
export async function seedDemo(options: SeedOptions): Promise<SeedResult> {
  return seedCity(await loadEdinburghCity(), options);
}

/** `seedDemo` for any built city; `bulkSize` below 5000 lets tests see several bulk calls. */
export async function seedCity(
  city: DemoCity,
  options: SeedOptions & { bulkSize?: number },
): Promise<SeedResult> {
  const log = options.log ?? (() => {});
  const api = apiClient(options);
  const { report } = city;
  log(
    `demo city: ${report.sites} sites (${report.stores} stores, ${report.providers} providers) from ` +
      `${report.rows} OpenStreetMap rows, ${report.skipped} rows skipped`,
  );

  const bulkSize = Math.min(options.bulkSize ?? MAX_BULK_SITES, MAX_BULK_SITES);
  for (let start = 0; start < city.sites.length; start += bulkSize) {
    await putSites(api, city.sites.slice(start, start + bulkSize), log);
  }

  await forEachConcurrently(city.stock, SEED_CONCURRENCY, async ({ siteId, items }) => {
    const path = `/v1/sites/${encodeURIComponent(siteId)}/stock`;
    expectStatus(await api.send('PUT', path, { items }), 'PUT', path, 200);
  });
  log(`stock: ${report.stockLines} lines set on ${city.stock.length} stores`);

  return {
    sites: report.sites,
    stores: report.stores,
    providers: report.providers,
    skipped: report.skipped,
    stockLines: report.stockLines,
  };
}

/**
 * One bulk call creates the whole chunk or nothing. When some ids already exist it answers
 * 409, and each site is then created, or updated when it exists, on its own.
 */
async function putSites(api: ApiClient, sites: SiteBody[], log: (line: string) => void): Promise<void> {
  const path = '/v1/sites/bulk';
  const bulk = await api.send('POST', path, { sites });
  if (bulk.status !== 409) {
    expectStatus(bulk, 'POST', path, 201);
    log(`sites: created ${sites.length} in one bulk call`);
    return;
  }

  let created = 0;
  let updated = 0;
  await forEachConcurrently(sites, SEED_CONCURRENCY, async (site) => {
    const answer = await api.send('POST', '/v1/sites', site);
    if (answer.status !== 409) {
      expectStatus(answer, 'POST', '/v1/sites', 201);
      created += 1;
      return;
    }
    const { id, kind: _kind, ...changes } = site;
    const sitePath = `/v1/sites/${encodeURIComponent(id)}`;
    expectStatus(await api.send('PATCH', sitePath, changes), 'PATCH', sitePath, 200);
    updated += 1;
  });
  log(`sites: some of ${sites.length} existed; created ${created}, updated ${updated} one by one`);
}
