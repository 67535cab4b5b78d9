import { isChain } from './chains.ts';
import { FORMAT_PROFILES } from './format-profiles.ts';
import { parseOpeningHours } from './hours.ts';
import {
  type Acceptance,
  type OpeningWindow,
  type SiteBody,
  type SiteFormat,
  STORE_FORMATS,
} from './site-body.ts';
import type { Assortment } from './stock.ts';
import {
  ALTERATION_HINTS,
  BICYCLE_REPAIR_HINTS,
  MAPPED_KEYS,
  REPAIR_HINTS,
  REPAIR_SERVICE_BY_SHOP,
  TAG_RULES,
} from './tag-rules.ts';

/** One row of the extract: `id`, `latitude`, `longitude` and OSM tags; '' means "not tagged". */
export type OsmRow = Readonly<Record<string, string>>;

/** Where a site's opening hours came from, for the build report. */
export type HoursSource = 'osm' | 'unparseable' | 'missing';

export type MappedRow =
  | { ok: true; site: SiteBody; assortments: Assortment[]; hoursSource: HoursSource }
  | { ok: false; reason: 'unmapped' | 'bad_id' | 'bad_location'; tags: string[] };

export const DEMO_TIMEZONE = 'Europe/London';
/** API.md's default acceptance timeout; an independent shop answers on a phone. */
export const MANUAL_TIMEOUT_SECONDS = 90;
const MAX_NAME_LENGTH = 200;
const SITE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Turns one row into the body of `POST /v1/sites`, or says why the row makes no site. */
export function mapOsmRow(row: OsmRow): MappedRow {
  const tags = mappedTags(row);
  const match = matchRules(row, tags);
  if (match.formats.length === 0) return { ok: false, reason: 'unmapped', tags };

  const id = siteIdFor(tag(row, 'id'));
  if (!id) return { ok: false, reason: 'bad_id', tags };
  const location = locationOf(row);
  if (!location) return { ok: false, reason: 'bad_location', tags };

  const isStore = match.formats.some((format) => STORE_FORMATS.has(format));
  const chain = isChain(tag(row, 'name'), tag(row, 'brand'));
  const hours = openingHoursFor(tag(row, 'opening_hours'), match.formats[0]!);
  const acceptance: Acceptance = chain
    ? { mode: 'auto' }
    : { mode: 'manual', timeoutSeconds: MANUAL_TIMEOUT_SECONDS };

  const site: SiteBody = {
    id,
    name: nameFor(row, tags),
    kind: isStore ? 'store' : 'provider',
    formats: match.formats,
    chain,
    location,
    timezone: DEMO_TIMEZONE,
    openingHours: hours.windows,
    capacity: Math.max(...match.formats.map((format) => FORMAT_PROFILES[format].capacity)),
    acceptance,
    services: isStore ? [] : match.services,
  };
  return { ok: true, site, assortments: isStore ? match.assortments : [], hoursSource: hours.source };
}

/** `node/21306881` → `osm-node-21306881`; undefined when the result would not be a valid id. */
export function siteIdFor(osmId: string): string | undefined {
  const id = `osm-${osmId.replace('/', '-')}`;
  return SITE_ID.test(id) ? id : undefined;
}

function tag(row: OsmRow, key: string): string {
  return (row[key] ?? '').trim();
}

/** `key=value` for each value of each mapped key; `shop=deli;cafe` is two values. */
function mappedTags(row: OsmRow): string[] {
  return MAPPED_KEYS.flatMap((key) =>
    tag(row, key)
      .split(';')
      .map((value) => value.trim())
      .filter((value) => value !== '')
      .map((value) => `${key}=${value}`),
  );
}

interface RuleMatch {
  formats: SiteFormat[];
  services: string[];
  assortments: Assortment[];
}

function matchRules(row: OsmRow, tags: string[]): RuleMatch {
  const formats = new Set<SiteFormat>();
  const services = new Set<string>();
  const assortments = new Set<Assortment>();
  const addProvider = (format: SiteFormat, service: string) => {
    formats.add(format);
    services.add(service);
  };

  for (const key of tags) {
    const rule = TAG_RULES[key];
    if (!rule) continue;
    for (const format of rule.formats) formats.add(format);
    if ('assortment' in rule) assortments.add(rule.assortment);
    else for (const service of rule.services) services.add(service);
  }

  const hints = new Set(Object.entries(row).map(([key, value]) => `${key}=${value.trim()}`));
  const has = (list: readonly string[]) => list.some((hint) => hints.has(hint));
  if (has(REPAIR_HINTS)) addProvider('repair', REPAIR_SERVICE_BY_SHOP[tag(row, 'shop')] ?? 'general_repair');
  if (has(BICYCLE_REPAIR_HINTS)) addProvider('repair', 'bicycle_repair');
  if (has(ALTERATION_HINTS)) addProvider('tailoring', 'alterations');

  return { formats: [...formats], services: [...services], assortments: [...assortments] };
}

function locationOf(row: OsmRow): { lat: number; lng: number } | undefined {
  const lat = Number.parseFloat(tag(row, 'latitude'));
  const lng = Number.parseFloat(tag(row, 'longitude'));
  const valid = Number.isFinite(lat) && Number.isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180;
  return valid ? { lat, lng } : undefined;
}

/** The OSM name, else the brand, else "Unnamed hairdresser (node/4121600047)". */
function nameFor(row: OsmRow, tags: string[]): string {
  const brand = tag(row, 'brand').split(';')[0]!.trim();
  const kind = (tags.find((key) => TAG_RULES[key]) ?? tags[0] ?? 'shop=shop')
    .split('=')[1]!
    .replace(/_/g, ' ');
  const name = tag(row, 'name') || brand || `Unnamed ${kind} (${tag(row, 'id')})`;
  return name.slice(0, MAX_NAME_LENGTH);
}

/**
 * The shop's own hours when they can be read; otherwise the typical hours of its first
 * format. Missing hours are not left out (API.md reads that as "always open"): a hairdresser
 * taking orders at 3 a.m. would make the demo lie about the circle at night.
 */
function openingHoursFor(
  value: string,
  format: SiteFormat,
): { windows: OpeningWindow[]; source: HoursSource } {
  if (value !== '') {
    const parsed = parseOpeningHours(value);
    if (parsed.ok && parsed.windows.length > 0) return { windows: parsed.windows, source: 'osm' };
  }
  const typical = parseOpeningHours(FORMAT_PROFILES[format].typicalHours);
  if (!typical.ok) throw new Error(`typical hours of ${format} do not parse: ${typical.reason}`);
  return { windows: typical.windows, source: value === '' ? 'missing' : 'unparseable' };
}
