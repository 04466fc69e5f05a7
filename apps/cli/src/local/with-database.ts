import { AppConfig } from '@cascade/core';
import { openLocalDatabase, runMigrations } from '@cascade/database';

/**
 * Runs `fn` with a database: DATABASE_URL when set, else the local embedded one — the server
 * `npm start` runs (found through .cascade/pg/server.json), or one started for this command and
 * stopped after it (migrated first, as npm start would). Says on stderr which, so stdout stays the command's own output.
 */
export async function withDatabase<T>(
  config: AppConfig,
  stderr: { write(text: string): unknown },
  fn: (config: AppConfig, local: boolean) => Promise<T>,
): Promise<T> {
  if (config.databaseUrl || config.migrationDatabaseUrl) return fn(config, false);
  const local = await openLocalDatabase({ log: (line) => stderr.write(`${line}\n`) });
  stderr.write(
    local.source === 'running'
      ? `DATABASE_URL is not set: using the embedded PostgreSQL of npm start (port ${local.port})\n`
      : `DATABASE_URL is not set and npm start is not running: started the embedded PostgreSQL (port ${local.port}) for this command\n`,
  );
  try {
    const localConfig = { ...config, databaseUrl: local.url };
    // As npm start does outside production: the local database always has the code's schema.
    if (config.migrateOnStart) {
      const { applied } = await runMigrations(localConfig);
      if (applied.length > 0) stderr.write(`applied migrations: ${applied.join(', ')}\n`);
    }
    return await fn(localConfig, true);
  } finally {
    await local.stop();
  }
}
