import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { type City, STOCK_ON_HAND } from '../city.ts';

/** The server's URL with another database: the bench never writes the configured one. */
export function withDatabase(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

function adminSql(url: string) {
  return postgres(withDatabase(url, 'postgres'), { max: 1, onnotice: () => {}, connect_timeout: 5 });
}

/** Drops `name` (a leftover of an interrupted run too) and creates it empty. */
export async function recreateDatabase(url: string, name: string): Promise<void> {
  const sql = adminSql(url);
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
}

export async function dropDatabase(url: string, name: string): Promise<void> {
  const sql = adminSql(url);
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await sql.end();
  }
}

/** Process ids of the server's backends connected to `name`, to read their CPU time. */
export async function backendPids(url: string, name: string): Promise<number[]> {
  const sql = adminSql(url);
  try {
    const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name}`;
    return rows.map((row) => row.pid);
  } finally {
    await sql.end();
  }
}

/**
 * Every store's stock straight into PostgreSQL with COPY: 6 million rows through the
 * HTTP API would take far longer than the benchmark itself. The sites must exist (the
 * foreign key), so this runs after they were created through the API.
 */
export async function copyStock(databaseUrl: string, city: City): Promise<number> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  let rows = 0;
  function* lines(): Generator<string> {
    for (let i = 0; i < city.sites.length; i += 1) {
      const siteId = city.sites[i]!.id;
      let chunk = '';
      for (const sku of city.stock[i]!) chunk += `${siteId}\t${city.catalogue[sku]}\t${STOCK_ON_HAND}\n`;
      rows += city.stock[i]!.length;
      yield chunk;
    }
  }
  try {
    // Every row's site was just created through the API, so the per-row foreign-key check
    // (two thirds of the COPY's time) can be skipped where we may: superusers only.
    await sql`set session_replication_role = replica`.catch(() => {});
    // Vacuuming 6 million fresh rows would run beside the load phases; nothing writes stock then.
    await sql`alter table stock set (autovacuum_enabled = false)`;
    const writable = await sql`copy stock (site_id, sku, on_hand) from stdin`.writable();
    await pipeline(Readable.from(lines()), writable);
    return rows;
  } finally {
    await sql.end();
  }
}
