/** The one expression every tenant-owned table is filtered by. `nullif` because a pooled
 * connection that once set the setting reports '' (not NULL) afterwards; the sub-select
 * makes PostgreSQL evaluate it once per statement rather than once per row. */
export const CURRENT_TENANT = `(select nullif(current_setting('app.current_tenant', true), ''))::uuid`;

/** ENABLE + FORCE row-level security and the single isolation policy on a tenant-owned table. */
export function tenantIsolationSql(table: string): string[] {
  return [
    `ALTER TABLE cascade.${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE cascade.${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON cascade.${table} USING (tenant_id = ${CURRENT_TENANT}) WITH CHECK (tenant_id = ${CURRENT_TENANT})`,
  ];
}
