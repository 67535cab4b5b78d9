export { createDb, type DbOptions, type Queryable, type Sql, type TransactionSql } from './client.ts';
export { ensureDatabase } from './database.ts';
export { GroupCommitter } from './group-commit.ts';
export { listMigrations, type Migration, migrate } from './migrate.ts';
export { type OrderRecord, OrderStore, orderFromRow, type StoredOrder } from './queries/orders.ts';
export { SiteStore, siteFromRow } from './queries/sites.ts';
