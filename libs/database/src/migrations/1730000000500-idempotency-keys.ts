import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/** The columns both key tables share (see libs/idempotency for the protocol). */
const KEY_COLUMNS = `
         key text NOT NULL CHECK (key ~ '^[ -~]{1,255}$'),
         fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
         state text NOT NULL CHECK (state IN ('running', 'completed')),
         owner_id uuid,
         lease_expires_at timestamptz,
         response_status smallint,
         response_body text,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz NOT NULL,
         CHECK (state = 'completed' OR (owner_id IS NOT NULL AND lease_expires_at IS NOT NULL)),
         CHECK (state = 'running' OR response_status IS NOT NULL)`;

/**
 * Idempotency-Key: the first answer to a creating POST, kept 24 h so a retry gets it again.
 *
 * - idempotency_keys: per tenant (tenant_id leads the key, forced RLS like every tenant table), so
 *   another tenant's key of the same value is another key. A key row is written in the same
 *   transaction as the change it answers for. `running` rows exist only for streamed uploads,
 *   whose change spans several short transactions: they hold a lease like a pending file.
 * - platform_idempotency_keys: platform administration (creating a tenant) has no tenant to own
 *   the key; the platform is its own scope. Only the platform role may touch it.
 *
 * `response_body` is the exact JSON text the client received (jsonb would reorder keys).
 */
export class IdempotencyKeys1730000000500 implements MigrationInterface {
  name = 'IdempotencyKeys1730000000500';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `CREATE TABLE cascade.idempotency_keys (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,${KEY_COLUMNS},
         PRIMARY KEY (tenant_id, key)
       )`,
      `CREATE INDEX idempotency_keys_expiry_idx ON cascade.idempotency_keys (tenant_id, expires_at)`,
      ...tenantIsolationSql('idempotency_keys'),
      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.idempotency_keys TO cascade_tenant, cascade_platform`,

      `CREATE TABLE cascade.platform_idempotency_keys (${KEY_COLUMNS},
         PRIMARY KEY (key)
       )`,
      `CREATE INDEX platform_idempotency_keys_expiry_idx ON cascade.platform_idempotency_keys (expires_at)`,
      `ALTER TABLE cascade.platform_idempotency_keys ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE cascade.platform_idempotency_keys FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY platform_only ON cascade.platform_idempotency_keys TO cascade_platform USING (true) WITH CHECK (true)`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.platform_idempotency_keys TO cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.platform_idempotency_keys`);
    await q.query(`DROP TABLE IF EXISTS cascade.idempotency_keys`);
  }
}
