/**
 * The tenant the transaction acts for, as a uuid (NULL when none is set). `nullif` because a
 * pooled connection that once set the setting reports '' (not NULL) afterwards.
 *
 * Policies compare `tenant_id` with this expression directly, without a sub-select: Citus refuses
 * sub-selects in policies of distributed and reference tables ("Subqueries are not supported in
 * policies on distributed tables"). `current_setting` is STABLE, so where the tenant_id condition
 * becomes an index condition PostgreSQL evaluates it once per scan; where it stays a filter it is
 * evaluated once per row (docs/citus.md has the measured cost of both forms).
 */
export const TENANT_SETTING = `nullif(current_setting('app.current_tenant', true), '')::uuid`;

/**
 * ENABLE + FORCE row-level security and the single isolation policy on a tenant-owned table.
 * Every table added from now on uses this (`cascade citus distribute` finds it in the catalog).
 */
export function tenantTableRlsSql(table: string): string[] {
  return [
    `ALTER TABLE cascade.${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE cascade.${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON cascade.${table} USING (tenant_id = ${TENANT_SETTING}) WITH CHECK (tenant_id = ${TENANT_SETTING})`,
  ];
}

/**
 * RELEASED FORM — used only by migrations up to 1730000000600, which must keep sending exactly
 * the SQL they were released with. The sub-select made PostgreSQL evaluate the setting once per
 * statement; Citus refuses it, so 1730000000700-citus-policy-form rewrites every policy built
 * from it into the TENANT_SETTING form. New code uses TENANT_SETTING / tenantTableRlsSql.
 */
export const CURRENT_TENANT = `(select nullif(current_setting('app.current_tenant', true), ''))::uuid`;

/** RELEASED FORM (see CURRENT_TENANT): what migrations up to 1730000000600 call. Not for new tables. */
export function tenantIsolationSql(table: string): string[] {
  return [
    `ALTER TABLE cascade.${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE cascade.${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON cascade.${table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
  ];
}
