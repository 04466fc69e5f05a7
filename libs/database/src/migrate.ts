import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@cascade/core';
import { dataSourceOptions, SCHEMA } from './data-source-options';
import { MIGRATIONS } from './migrations';
import { sql } from './sql';

export interface MigrationReport {
  applied: string[];
}

/** Applies pending migrations with the schema owner's URL (MIGRATION_DATABASE_URL, else DATABASE_URL). */
export async function runMigrations(
  cfg: Pick<AppConfig, 'databaseUrl' | 'migrationDatabaseUrl' | 'dbConnectTimeoutMs'>,
): Promise<MigrationReport> {
  const url = cfg.migrationDatabaseUrl ?? cfg.databaseUrl;
  const ds = new DataSource(dataSourceOptions({ ...cfg, dbPoolSize: 1 }, { url, poolSize: 1 }));
  await ds.initialize();
  try {
    await ds.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const done = await ds.runMigrations({ transaction: 'each' });
    return { applied: done.map((m) => m.name) };
  } finally {
    await ds.destroy();
  }
}

/**
 * Names of migrations the code has and the database has not applied yet, read on the given
 * manager (the app's login cannot read cascade.migrations itself; the platform role can).
 */
export async function pendingMigrations(em: EntityManager, known: DataSource['migrations']): Promise<string[]> {
  const { rows } = await sql<{ name: string }>(em, `SELECT name FROM ${SCHEMA}.migrations`);
  const applied = new Set(rows.map((r) => r.name));
  return known.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
}

/** Every migration the code has, by name, in order (what `migrate` would bring a database to). */
export function migrationNames(): string[] {
  return MIGRATIONS.map((M) => new M().name);
}
