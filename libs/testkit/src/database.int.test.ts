import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './database.ts';

describe('createTestDatabase', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('gives a migrated database of its own', async () => {
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from sites`;
    expect(row?.count).toBe(0);
    const versions = await db.sql<
      { version: number }[]
    >`select version from schema_migrations order by version`;
    expect(versions.map((v) => v.version)).toContain(1);
  });
});
