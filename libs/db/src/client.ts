import postgres from 'postgres';

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;
/** Either the pool or an open transaction: store methods take it so callers choose. */
export type Queryable = Sql | TransactionSql;

export interface DbOptions {
  /** Pool size; postgres.js opens connections lazily up to this many. */
  max?: number;
  /** Label shown in pg_stat_activity. */
  applicationName?: string;
}

/**
 * One postgres.js pool per process. Notices are dropped (migrations raise them for
 * "already exists"); bigints come back as numbers because counts here stay small.
 */
export function createDb(url: string, options: DbOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connect_timeout: 5,
    idle_timeout: 30,
    types: { bigint: postgres.BigInt },
    transform: { undefined: null },
    connection: { application_name: options.applicationName ?? 'quarterhour' },
  });
}
