import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';
import { runMigrations } from '../../libs/database/src/migrate';
import { adminUrl, TEST_APP_PASSWORD, TEST_APP_ROLE, templateName } from './test-env';

/**
 * Once per run: find PostgreSQL (DATABASE_URL, else an embedded server started here), build a
 * migrated template database, and the authenticator login the app connects with. Each test file
 * then clones the template into a database of its own.
 */
export default async function globalSetup(): Promise<void> {
  process.env.CASCADE_TEST_RUN = `${Date.now().toString(36)}${process.pid}`;
  let url = process.env.DATABASE_URL;
  if (!url) {
    const embedded = await startEmbeddedPostgres({
      dir: join(tmpdir(), `cascade-test-pg-${process.pid}`),
      database: 'postgres',
      persistent: false,
    });
    (globalThis as Record<string, unknown>).__cascadeEmbedded = embedded;
    url = embedded.url;
    process.stdout.write(`\n[test] DATABASE_URL unset: embedded PostgreSQL on port ${embedded.port}\n`);
  }
  process.env.CASCADE_TEST_ADMIN_URL = url;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${templateName()}`);
    await runMigrations({ databaseUrl: adminUrl(templateName()), dbConnectTimeoutMs: 5000 });
    await admin.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEST_APP_ROLE}') THEN
          CREATE ROLE ${TEST_APP_ROLE} LOGIN NOINHERIT PASSWORD '${TEST_APP_PASSWORD}';
        END IF;
      END $$`);
    await admin.query(`GRANT cascade_tenant, cascade_platform TO ${TEST_APP_ROLE}`);
    await admin.query(`ALTER DATABASE ${templateName()} WITH ALLOW_CONNECTIONS true`);
    process.env.CASCADE_TENANT_TABLES = (await tenantTables(adminUrl(templateName()))).join(',');
  } finally {
    await admin.end();
  }
}

/** The tenant-owned tables (a tenant_id column) of the migrated schema, for tenant-predicate.setup.ts. */
async function tenantTables(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
        WHERE c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    return rows.map((r) => r.table);
  } finally {
    await client.end();
  }
}
