import { randomBytes } from 'node:crypto';
import { createDb, migrate, type Sql } from '@quarterhour/db';
import postgres from 'postgres';
import { testUrls } from './urls.ts';

export interface TestDatabase {
  url: string;
  sql: Sql;
  /** Closes the pool and drops the database, even with other connections open. */
  drop(): Promise<void>;
}

/**
 * A fresh database for one test file, migrated to the latest version. Each file gets
 * its own, so files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const base = new URL(testUrls().databaseUrl);
  const name = `qh_test_${randomBytes(6).toString('hex')}`;
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const sql = createDb(url.toString(), { max: 10, applicationName: 'quarterhour-test' });
  if (options.migrate !== false) await migrate(sql);
  return {
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 1 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
