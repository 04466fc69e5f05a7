import { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantIsolationSql } from './rls';

/**
 * Sessions that an admin can end (contract v2, "Sessions"):
 * - users.session_epoch: bumped to end every sign-in of a user (password/email change, deletion,
 *   logout-all, an admin's "end sessions"); access tokens carry the epoch they were issued under.
 * - user_sessions: one row per sign-in (a refresh-token family); revoked_at ends it.
 * - refresh_tokens: single-use refresh tokens, stored only as SHA-256 hashes of 256-bit secrets;
 *   used_at is set by one conditional UPDATE, so two parallel uses cannot both succeed, and a
 *   second use of a spent token is recognised (reuse detection revokes the family).
 * - principal_changes: the change feed every replica follows (once a second, and at once on a
 *   pub/sub nudge) to judge each request by the user as stored now, without a database round
 *   trip per request. Tenant-owned under the usual policy; the platform role may additionally
 *   READ all of it (the feed spans tenants) and delete rows older than a day (pruning).
 * - platform_token_revocations: `cascade token revoke --platform-admin` ends every platform token
 *   issued before it. Platform-level (no tenant).
 */
export class Sessions1730000000400 implements MigrationInterface {
  name = 'Sessions1730000000400';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `ALTER TABLE cascade.users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0`,
      `GRANT UPDATE ON cascade.users TO cascade_tenant, cascade_platform`,

      `CREATE TABLE cascade.user_sessions (
         tenant_id uuid NOT NULL,
         id uuid NOT NULL,
         user_id uuid NOT NULL,
         epoch integer NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         refreshed_at timestamptz,
         expires_at timestamptz NOT NULL,
         revoked_at timestamptz,
         PRIMARY KEY (tenant_id, id),
         FOREIGN KEY (tenant_id, user_id) REFERENCES cascade.users (tenant_id, id) ON DELETE CASCADE
       )`,
      `CREATE INDEX user_sessions_user_idx ON cascade.user_sessions (tenant_id, user_id)`,
      ...tenantIsolationSql('user_sessions'),

      `CREATE TABLE cascade.refresh_tokens (
         tenant_id uuid NOT NULL,
         token_hash bytea NOT NULL CHECK (octet_length(token_hash) = 32),
         session_id uuid NOT NULL,
         expires_at timestamptz NOT NULL,
         used_at timestamptz,
         PRIMARY KEY (tenant_id, token_hash),
         FOREIGN KEY (tenant_id, session_id) REFERENCES cascade.user_sessions (tenant_id, id) ON DELETE CASCADE
       )`,
      `CREATE INDEX refresh_tokens_session_idx ON cascade.refresh_tokens (tenant_id, session_id)`,
      ...tenantIsolationSql('refresh_tokens'),

      `CREATE TABLE cascade.principal_changes (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id bigint GENERATED ALWAYS AS IDENTITY,
         user_id uuid NOT NULL,
         kind text NOT NULL CHECK (kind IN ('deleted', 'role', 'epoch', 'session_ended')),
         role text CHECK (role IN ('owner', 'admin', 'member')),
         epoch integer,
         session_id uuid,
         at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id)
       )`,
      ...tenantIsolationSql('principal_changes'),
      `CREATE POLICY platform_feed_read ON cascade.principal_changes FOR SELECT TO cascade_platform USING (true)`,
      `CREATE POLICY platform_feed_prune ON cascade.principal_changes FOR DELETE TO cascade_platform USING (at < now() - interval '1 day')`,

      `CREATE TABLE cascade.platform_token_revocations (
         id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
         revoked_before timestamptz NOT NULL
       )`,

      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.user_sessions, cascade.refresh_tokens TO cascade_tenant, cascade_platform`,
      `GRANT SELECT, INSERT ON cascade.principal_changes TO cascade_tenant`,
      `GRANT SELECT, INSERT, DELETE ON cascade.principal_changes TO cascade_platform`,
      `GRANT SELECT, INSERT, UPDATE ON cascade.platform_token_revocations TO cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['platform_token_revocations', 'principal_changes', 'refresh_tokens', 'user_sessions']) {
      await q.query(`DROP TABLE IF EXISTS cascade.${table}`);
    }
    await q.query(`ALTER TABLE cascade.users DROP COLUMN IF EXISTS session_epoch`);
  }
}
