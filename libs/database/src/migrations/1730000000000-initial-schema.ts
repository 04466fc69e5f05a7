import { MigrationInterface, QueryRunner } from 'typeorm';
import { CURRENT_TENANT, tenantIsolationSql } from './rls';

/**
 * Schema `cascade`, the two request roles, and the first tenant-owned tables.
 * Roles are cluster-wide, so they are created only when missing; they never log in.
 */
export class InitialSchema1730000000000 implements MigrationInterface {
  name = 'InitialSchema1730000000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = [
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cascade_tenant') THEN
           CREATE ROLE cascade_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
         END IF;
         IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cascade_platform') THEN
           CREATE ROLE cascade_platform NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
         END IF;
       END $$`,
      `GRANT USAGE ON SCHEMA cascade TO cascade_tenant, cascade_platform`,
      `GRANT SELECT ON cascade.migrations TO cascade_platform`,

      `CREATE TABLE cascade.tenants (
         id uuid PRIMARY KEY,
         slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
         name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
         plan text NOT NULL,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
         custom_domain text UNIQUE,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `ALTER TABLE cascade.tenants ENABLE ROW LEVEL SECURITY`,
      `ALTER TABLE cascade.tenants FORCE ROW LEVEL SECURITY`,
      `CREATE POLICY tenant_reads_itself ON cascade.tenants FOR SELECT TO cascade_tenant USING (id = ${CURRENT_TENANT})`,
      `CREATE POLICY platform_manages_tenants ON cascade.tenants TO cascade_platform USING (true) WITH CHECK (true)`,
      `GRANT SELECT ON cascade.tenants TO cascade_tenant`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.tenants TO cascade_platform`,

      // Effective limits (plan defaults + overrides) and live usage counters in one row, so a
      // quota is enforced by one conditional UPDATE of this row (see libs/quotas).
      `CREATE TABLE cascade.tenant_quotas (
         tenant_id uuid PRIMARY KEY REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         max_users bigint NOT NULL CHECK (max_users >= 0),
         max_storage_bytes bigint NOT NULL CHECK (max_storage_bytes >= 0),
         max_api_calls_per_minute integer NOT NULL CHECK (max_api_calls_per_minute >= 0),
         max_concurrent_requests integer NOT NULL CHECK (max_concurrent_requests >= 0),
         max_workrooms integer NOT NULL CHECK (max_workrooms >= 0),
         custom_domain_allowed boolean NOT NULL DEFAULT false,
         features text[] NOT NULL DEFAULT '{}',
         overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
         users_used bigint NOT NULL DEFAULT 0 CHECK (users_used >= 0),
         workrooms_used bigint NOT NULL DEFAULT 0 CHECK (workrooms_used >= 0),
         storage_bytes_used bigint NOT NULL DEFAULT 0 CHECK (storage_bytes_used >= 0),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      ...tenantIsolationSql('tenant_quotas'),
      `GRANT SELECT ON cascade.tenant_quotas TO cascade_tenant`,
      `GRANT UPDATE (users_used, workrooms_used, storage_bytes_used, updated_at) ON cascade.tenant_quotas TO cascade_tenant`,
      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.tenant_quotas TO cascade_platform`,

      `CREATE TABLE cascade.users (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         email text NOT NULL CHECK (email = lower(email) AND char_length(email) <= 254),
         password_hash text NOT NULL,
         role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id),
         UNIQUE (tenant_id, email)
       )`,
      ...tenantIsolationSql('users'),

      `CREATE TABLE cascade.resources (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
         data jsonb NOT NULL DEFAULT '{}'::jsonb,
         created_by uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id)
       )`,
      `CREATE INDEX resources_tenant_name_idx ON cascade.resources (tenant_id, name)`,
      ...tenantIsolationSql('resources'),

      `CREATE TABLE cascade.workrooms (
         tenant_id uuid NOT NULL REFERENCES cascade.tenants(id) ON DELETE CASCADE,
         id uuid NOT NULL,
         name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
         created_by uuid,
         created_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (tenant_id, id)
       )`,
      ...tenantIsolationSql('workrooms'),

      `GRANT SELECT, INSERT, UPDATE, DELETE ON cascade.users, cascade.resources, cascade.workrooms TO cascade_tenant, cascade_platform`,
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['workrooms', 'resources', 'users', 'tenant_quotas', 'tenants']) {
      await q.query(`DROP TABLE IF EXISTS cascade.${table}`);
    }
  }
}
