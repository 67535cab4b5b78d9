import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildDemoCity, type DemoCity } from './city.ts';
import { parseCsvRecords } from './csv.ts';
import type { OsmRow } from './osm.ts';

/** The OpenStreetMap extract shipped in infra/data (ODbL; see infra/data/README.md). */
export const EDINBURGH_SHOPS_CSV = fileURLToPath(new URL('../../data/edinburgh-shops.csv', import.meta.url));

export async function readEdinburghShops(): Promise<OsmRow[]> {
  return parseCsvRecords(await readFile(EDINBURGH_SHOPS_CSV, 'utf8'));
}

/** The demo city built from the shipped Edinburgh extract. */
export async function loadEdinburghCity(options: { seed?: string } = {}): Promise<DemoCity> {
  return buildDemoCity(await readEdinburghShops(), options);
}
