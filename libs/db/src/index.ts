export { createDb, type DbOptions, type Queryable, type Sql, type TransactionSql } from './client.ts';
export { ensureDatabase } from './database.ts';
export { listMigrations, type Migration, migrate } from './migrate.ts';
