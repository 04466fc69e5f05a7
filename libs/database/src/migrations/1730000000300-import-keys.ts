import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/**
 * What `cascade tenants import` needs to be idempotent and resumable:
 * - tenant_imports: one row per imported tenant: the export's stable external_id (checked on every
 *   rerun so a slug cannot be imported over by another customer's export), the tenant's settings
 *   object kept verbatim for export, and whether the last run finished.
 * - import_keys: (tenant_id, collection, external_id) → our id. Each batch commits its rows and
 *   their keys together, so the keys are the checkpoint: a rerun skips what a committed batch made.
 * Only the platform role (the CLI) touches them; tenant requests never need them.
 */
export class ImportKeys1730000000300 implements MigrationInterface {
  name = 'ImportKeys1730000000300';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE cascade.tenant_imports (
         tenant_id uuid PRIMARY KEY REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         external_id text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
         settings jsonb NOT NULL DEFAULT '{}'::jsonb,
         started_at timestamptz NOT NULL DEFAULT now(),
         completed_at timestamptz
       )`,
      ...tenantIsolationSql('tenant_imports'),

      `CREATE TABLE cascade.import_keys (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         collection text NOT NULL CHECK (collection IN ('users', 'workrooms', 'resources', 'files')),
         external_id text NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
         internal_id uuid NOT NULL,
         imported_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, collection, external_id)
       )`,
      // Export maps our ids back to the customer's keys.
      `CREATE UNIQUE INDEX import_keys_internal_idx ON cascade.import_keys (tenant_id, collection, internal_id)`,
      ...tenantIsolationSql('import_keys'),

      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.tenant_imports, cascade.import_keys TO cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.import_keys`);
    await q.query(`DROP TABLE IF EXISTS cascade.tenant_imports`);
  }
}
