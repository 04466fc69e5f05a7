import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/**
 * Stored files: metadata and the quota each row holds. The bytes live in object storage under
 * `tenants/<tenant_id>/<id>`; the client's filename is metadata only.
 *
 * A row is `pending` while its upload streams, `ready` once its object exists, `deleting` while
 * its bytes are being removed. `reserved_bytes` is what the row holds in
 * tenant_quotas.storage_bytes_used (what arrived so far while pending, its size once ready), so
 * the sum over a tenant's rows is its usage and a release is always exact. Pending and deleting
 * rows carry a lease (`lease_expires_at`) that a live upload or delete keeps renewing; a sweeper
 * takes over rows whose lease ran out (their process died) and finishes them.
 */
export class Files1730000000200 implements MigrationInterface {
  name = 'Files1730000000200';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE cascade.files (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         filename text NOT NULL CHECK (char_length(filename) BETWEEN 1 AND 255),
         content_type text NOT NULL CHECK (char_length(content_type) BETWEEN 3 AND 255),
         size bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
         sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
         status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready', 'deleting')),
         reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0),
         lease_expires_at timestamptz,
         created_by uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id),
         CHECK (status <> 'ready' OR (sha256 IS NOT NULL AND reserved_bytes = size)),
         CHECK (status = 'ready' OR lease_expires_at IS NOT NULL)
       )`,
      // Only unfinished rows, which are few: the sweeper's lookup of expired leases.
      `CREATE INDEX files_tenant_lease_idx ON cascade.files (tenant_id, lease_expires_at) WHERE status <> 'ready'`,
      ...tenantIsolationSql('files'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.files TO cascade_tenant, cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.files`);
  }
}
