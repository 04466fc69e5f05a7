-- CASCADE on Citus 13 (PostgreSQL 15): run ONCE on the coordinator, after `cascade migrate`, as a
-- superuser, in the application database:
--
--   psql "$COORDINATOR_ADMIN_URL" -v ON_ERROR_STOP=1 -f scripts/citus-distribute.sql
--
-- Safe to run again: each step is skipped when it is already done. docs/citus.md explains every
-- step. test/e2e/citus-distribute.e2e-spec.ts checks against the migrated catalog that this file
-- names every tenant-owned table (every table with a tenant_id column), distributed by tenant_id,
-- co-located with cascade.users, in foreign-key order: a table added by a migration must be added
-- here too, or `npm test` fails.

-- 1. Preconditions (each failure says what to do).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RAISE EXCEPTION 'the citus extension is not installed in this database: run CREATE EXTENSION citus; as a superuser on the coordinator first';
  END IF;
  IF current_setting('citus.propagate_set_commands', true) IS DISTINCT FROM 'local' THEN
    RAISE EXCEPTION 'citus.propagate_set_commands is "%", must be "local" (the tenant is set with SET LOCAL): ALTER SYSTEM SET citus.propagate_set_commands = ''local''; SELECT pg_reload_conf(); then reconnect',
      coalesce(current_setting('citus.propagate_set_commands', true), 'unset');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cascade.migrations WHERE name = 'CitusPolicyForm1730000000700') THEN
    RAISE EXCEPTION 'migration CitusPolicyForm1730000000700 is not applied: run cascade migrate first (Citus refuses the older policies with sub-selects)';
  END IF;
END $$;

-- 2. Reference tables: a full copy on every node. tenants is referenced by every tenant table's
--    foreign key and must keep slug and custom_domain unique across all tenants, which a table
--    distributed by id could not. The other three are small platform-wide tables that requests read
--    or write in their tenant transaction.
SELECT create_reference_table('cascade.tenants')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.tenants'::regclass);
SELECT create_reference_table('cascade.cache_generation')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.cache_generation'::regclass);
SELECT create_reference_table('cascade.platform_token_revocations')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.platform_token_revocations'::regclass);
SELECT create_reference_table('cascade.platform_idempotency_keys')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.platform_idempotency_keys'::regclass);

-- 3. Tenant tables, distributed by tenant_id and co-located with cascade.users (the anchor), so one
--    tenant's rows of every table live on the same worker and a statement with tenant_id = $n goes
--    to one shard. Foreign-key order: a table comes after every table it references.
SELECT create_distributed_table('cascade.users', 'tenant_id', colocate_with => 'none')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.users'::regclass);
SELECT create_distributed_table('cascade.tenant_quotas', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.tenant_quotas'::regclass);
SELECT create_distributed_table('cascade.resources', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.resources'::regclass);
SELECT create_distributed_table('cascade.workrooms', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.workrooms'::regclass);
SELECT create_distributed_table('cascade.audit_events', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.audit_events'::regclass);
SELECT create_distributed_table('cascade.files', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.files'::regclass);
SELECT create_distributed_table('cascade.tenant_imports', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.tenant_imports'::regclass);
SELECT create_distributed_table('cascade.import_keys', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.import_keys'::regclass);
SELECT create_distributed_table('cascade.user_sessions', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.user_sessions'::regclass);
SELECT create_distributed_table('cascade.refresh_tokens', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.refresh_tokens'::regclass);
SELECT create_distributed_table('cascade.principal_changes', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.principal_changes'::regclass);
SELECT create_distributed_table('cascade.idempotency_keys', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.idempotency_keys'::regclass);
SELECT create_distributed_table('cascade.external_identity_tombstones', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.external_identity_tombstones'::regclass);
SELECT create_distributed_table('cascade.api_keys', 'tenant_id', colocate_with => 'cascade.users')
 WHERE NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade.api_keys'::regclass);

-- 4. Check on the cluster itself: every table with a tenant_id column is distributed by it in the
--    anchor's co-location group (a table a later migration added and this file forgot fails here).
DO $$
DECLARE
  missing text;
BEGIN
  SELECT string_agg(c.relname, ', ' ORDER BY c.relname) INTO missing
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p')
     AND NOT EXISTS (
       SELECT 1 FROM pg_dist_partition p
        WHERE p.logicalrelid = c.oid AND p.partmethod = 'h'
          AND column_to_column_name(p.logicalrelid, p.partkey) = 'tenant_id'
          AND p.colocationid = (SELECT colocationid FROM pg_dist_partition WHERE logicalrelid = 'cascade.users'::regclass));
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'tenant tables not distributed by tenant_id with cascade.users: % (add them to scripts/citus-distribute.sql)', missing;
  END IF;
END $$;
