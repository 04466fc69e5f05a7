import { AppConfig } from '@cascade/core';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

export const SCHEMA = 'cascade';

/**
 * One pool per process. Settings are never made at session level: every request sets its role
 * and tenant transaction-locally (see scoped-transaction.ts), so a transaction-mode pooler
 * (PgBouncer) in front is safe.
 */
export function dataSourceOptions(
  cfg: Pick<AppConfig, 'databaseUrl' | 'dbPoolSize' | 'dbConnectTimeoutMs'>,
  overrides: { url?: string; poolSize?: number } = {},
): DataSourceOptions {
  const url = overrides.url ?? cfg.databaseUrl;
  if (!url) throw new Error('No database URL: DATABASE_URL is unset and no embedded database was started');
  return {
    type: 'postgres',
    url,
    schema: SCHEMA,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsRun: false,
    synchronize: false,
    entities: [],
    poolSize: overrides.poolSize ?? cfg.dbPoolSize,
    applicationName: 'cascade',
    extra: {
      // Queries queued on one client go out without waiting for each other's results: the
      // transaction's scope statements and its first statement share one round trip.
      pipeline: true,
      connectionTimeoutMillis: cfg.dbConnectTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    },
    logging: false,
  };
}
