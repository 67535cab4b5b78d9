import type { NewSite, OpeningWindow, Site, SiteFormat } from '@quarterhour/domain';
import { cellOf } from '@quarterhour/geo';
import type { Queryable, Sql } from '../client.ts';

interface SiteRow {
  id: string;
  name: string;
  kind: 'store' | 'provider';
  formats: SiteFormat[];
  chain: boolean;
  lat: number;
  lng: number;
  cell: string;
  timezone: string;
  opening_hours: OpeningWindow[] | null;
  capacity: number;
  acceptance_mode: 'auto' | 'manual';
  acceptance_timeout_seconds: number;
  services: string[];
  status: 'open' | 'paused';
  created_at: Date;
  updated_at: Date;
}

export function siteFromRow(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    formats: row.formats,
    chain: row.chain,
    location: { lat: row.lat, lng: row.lng },
    timezone: row.timezone,
    openingHours: row.opening_hours,
    capacity: row.capacity,
    acceptance: { mode: row.acceptance_mode, timeoutSeconds: row.acceptance_timeout_seconds },
    services: row.services,
    status: row.status,
    cell: row.cell,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** A full site (new or merged after a patch) as the columns of its row. */
function columns(site: Omit<Site, 'cell' | 'createdAt' | 'updatedAt'>) {
  return {
    id: site.id,
    name: site.name,
    kind: site.kind,
    formats: site.formats,
    chain: site.chain,
    lat: site.location.lat,
    lng: site.location.lng,
    cell: cellOf(site.location),
    timezone: site.timezone,
    opening_hours: site.openingHours,
    capacity: site.capacity,
    acceptance_mode: site.acceptance.mode,
    acceptance_timeout_seconds: site.acceptance.timeoutSeconds,
    services: site.services,
    status: site.status,
  };
}

const COLUMN_NAMES = Object.keys(
  columns({
    id: '',
    name: '',
    kind: 'store',
    formats: [],
    chain: false,
    location: { lat: 0, lng: 0 },
    timezone: '',
    openingHours: null,
    capacity: 1,
    acceptance: { mode: 'auto', timeoutSeconds: 10 },
    services: [],
    status: 'open',
  }),
) as (keyof ReturnType<typeof columns>)[];

export class SiteStore {
  constructor(private readonly sql: Sql) {}

  async list(tx: Queryable = this.sql): Promise<Site[]> {
    const rows = await tx<SiteRow[]>`select * from sites`;
    return rows.map(siteFromRow);
  }

  async get(id: string, tx: Queryable = this.sql, options: { lock?: boolean } = {}): Promise<Site | null> {
    const [row] = options.lock
      ? await tx<SiteRow[]>`select * from sites where id = ${id} for update`
      : await tx<SiteRow[]>`select * from sites where id = ${id}`;
    return row ? siteFromRow(row) : null;
  }

  /** Ids among these that already exist. */
  async existing(tx: Queryable, ids: string[]): Promise<string[]> {
    const rows = await tx<{ id: string }[]>`select id from sites where id = any(${ids}) order by id`;
    return rows.map((row) => row.id);
  }

  async insertMany(tx: Queryable, sites: NewSite[]): Promise<Site[]> {
    const created: Site[] = [];
    for (let i = 0; i < sites.length; i += 500) {
      // postgres.js serialises jsonb and arrays from the row objects; jsonb needs tx.json.
      const rows = sites.slice(i, i + 500).map((site) => {
        const row = columns(site);
        return { ...row, opening_hours: row.opening_hours === null ? null : tx.json(row.opening_hours) };
      });
      const inserted = await tx<SiteRow[]>`insert into sites ${tx(rows, ...COLUMN_NAMES)} returning *`;
      created.push(...inserted.map(siteFromRow));
    }
    return created;
  }

  async update(tx: Queryable, site: Site): Promise<Site> {
    const row = columns(site);
    const [updated] = await tx<SiteRow[]>`
      update sites set
        name = ${row.name}, formats = ${row.formats}, chain = ${row.chain}, lat = ${row.lat}, lng = ${row.lng},
        cell = ${row.cell}, timezone = ${row.timezone},
        opening_hours = ${row.opening_hours === null ? null : tx.json(row.opening_hours)},
        capacity = ${row.capacity}, acceptance_mode = ${row.acceptance_mode},
        acceptance_timeout_seconds = ${row.acceptance_timeout_seconds}, services = ${row.services},
        status = ${row.status}, updated_at = now()
      where id = ${site.id} returning *`;
    return siteFromRow(updated!);
  }
}
