import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/**
 * Other ways in (contract v2): users from an external identity provider, and API keys.
 *
 * - users.external_issuer / external_subject: a user created on first sight of a provider's token,
 *   matched by `iss` + `sub` (never by email: a provider's email proves nothing here). Such users
 *   have no password (`password_hash` holds a value no password verifies against).
 * - A provider's token carries no session epoch: PrincipalRegistry judges it by `iat` against
 *   the time the epoch was raised, from the principal change feed (no column of its own: every
 *   token still accepted is younger than what the registry remembers).
 * - external_identity_tombstones: a provider user deleted in CASCADE stays refused; the
 *   provider still vouches for them, so first-sight creation must not bring them back.
 *   Written by a trigger on users, in the deleting transaction.
 * - api_keys: tenant-owned machine credentials; only SHA-256 of the 256-bit secret is kept.
 *   A key names its tenant (`cas_<tenant>_<id>_<secret>`), so even the lookup that opens a
 *   request runs tenant-scoped under the usual policy.
 */
export class ApiKeys1730000000600 implements MigrationInterface {
  name = 'ApiKeys1730000000600';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE cascade.users
         ADD COLUMN external_issuer text CHECK (char_length(external_issuer) <= 1000),
         ADD COLUMN external_subject text CHECK (char_length(external_subject) <= 1000),
         ADD CONSTRAINT users_external_identity_whole CHECK ((external_issuer IS NULL) = (external_subject IS NULL))`,
      `CREATE UNIQUE INDEX users_external_identity_idx ON cascade.users (tenant_id, external_issuer, external_subject)
         WHERE external_issuer IS NOT NULL`,

      `CREATE TABLE cascade.external_identity_tombstones (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         issuer text NOT NULL,
         subject text NOT NULL,
         deleted_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, issuer, subject)
       )`,
      ...tenantIsolationSql('external_identity_tombstones'),
      `CREATE FUNCTION cascade.users_external_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.external_issuer IS NOT NULL THEN
           INSERT INTO cascade.external_identity_tombstones (tenant_id, issuer, subject)
           VALUES (OLD.tenant_id, OLD.external_issuer, OLD.external_subject) ON CONFLICT DO NOTHING;
         END IF;
         RETURN OLD;
       END $$`,
      `CREATE TRIGGER users_external_tombstone AFTER DELETE ON cascade.users
         FOR EACH ROW EXECUTE FUNCTION cascade.users_external_tombstone()`,
      `GRANT SELECT, INSERT ON cascade.external_identity_tombstones TO cascade_tenant`,
      `GRANT SELECT, INSERT, DELETE ON cascade.external_identity_tombstones TO cascade_platform`,

      `CREATE TABLE cascade.api_keys (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
         role text NOT NULL CHECK (role IN ('admin', 'member')),
         secret_hash bytea NOT NULL CHECK (octet_length(secret_hash) = 32),
         created_by uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         expires_at timestamptz,
         last_used_at timestamptz,
         PRIMARY KEY (tenant_id, id)
       )`,
      ...tenantIsolationSql('api_keys'),
      `GRANT SELECT, INSERT, DELETE ON cascade.api_keys TO cascade_tenant, cascade_platform`,
      `GRANT UPDATE (last_used_at) ON cascade.api_keys TO cascade_tenant`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS cascade.api_keys`);
    await q.query(`DROP TRIGGER IF EXISTS users_external_tombstone ON cascade.users`);
    await q.query(`DROP FUNCTION IF EXISTS cascade.users_external_tombstone()`);
    await q.query(`DROP TABLE IF EXISTS cascade.external_identity_tombstones`);
    await q.query(`DROP INDEX IF EXISTS cascade.users_external_identity_idx`);
    await q.query(
      `ALTER TABLE cascade.users DROP CONSTRAINT IF EXISTS users_external_identity_whole,
         DROP COLUMN IF EXISTS external_subject, DROP COLUMN IF EXISTS external_issuer`,
    );
  }
}
