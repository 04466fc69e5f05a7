import { ForeignKeyFact, planDistribution, PlanError, TableFact } from './distribution-plan';

const toTenants: ForeignKeyFact = {
  name: 'fk_tenant',
  columns: ['tenant_id'],
  referencedSchema: 'cascade',
  referencedTable: 'tenants',
  referencedColumns: ['id'],
};
const fk = (name: string, table: string, columns: string[], referencedColumns: string[]): ForeignKeyFact => ({
  name,
  columns,
  referencedSchema: 'cascade',
  referencedTable: table,
  referencedColumns,
});
const tenantTable = (name: string, extra: Partial<TableFact> = {}): TableFact => ({
  name,
  hasTenantId: true,
  foreignKeys: [toTenants, ...(extra.foreignKeys ?? [])],
  uniqueKeys: extra.uniqueKeys ?? [{ name: `${name}_pkey`, columns: ['tenant_id', 'id'] }],
  triggers: extra.triggers ?? [],
});
const platformTable = (name: string, extra: Partial<TableFact> = {}): TableFact => ({
  name,
  hasTenantId: false,
  foreignKeys: extra.foreignKeys ?? [],
  uniqueKeys: extra.uniqueKeys ?? [{ name: `${name}_pkey`, columns: ['id'] }],
  triggers: [],
});

/** CASCADE's shape in small: the anchor, a chain users ← user_sessions ← refresh_tokens, leaves, platform tables. */
const SCHEMA_FACTS: TableFact[] = [
  tenantTable('refresh_tokens', { foreignKeys: [fk('rt_session', 'user_sessions', ['tenant_id', 'session_id'], ['tenant_id', 'id'])] }),
  platformTable('tenants', {
    uniqueKeys: [
      { name: 'tenants_pkey', columns: ['id'] },
      { name: 'tenants_slug_key', columns: ['slug'] },
    ],
  }),
  tenantTable('users', { triggers: ['users_external_tombstone'] }),
  tenantTable('user_sessions', { foreignKeys: [fk('us_user', 'users', ['tenant_id', 'user_id'], ['tenant_id', 'id'])] }),
  tenantTable('audit_events'),
  platformTable('cache_generation'),
  platformTable('migrations'),
  tenantTable('api_keys'),
];

const problemsOf = (facts: TableFact[]): string[] => {
  try {
    planDistribution(facts);
  } catch (err) {
    if (err instanceof PlanError) return err.problems;
    throw err;
  }
  return [];
};

describe('planDistribution', () => {
  const plan = planDistribution(SCHEMA_FACTS);
  const order = plan.steps.map((s) => s.table);

  it('reference tables first, then the anchor, then every other tenant table after the tables it references', () => {
    expect(order).toEqual(['cache_generation', 'tenants', 'users', 'api_keys', 'audit_events', 'user_sessions', 'refresh_tokens']);
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'reference',
      'reference',
      'distributed',
      'distributed',
      'distributed',
      'distributed',
      'distributed',
    ]);
    for (const step of plan.steps)
      for (const parent of step.references) expect(order.indexOf(parent)).toBeLessThan(order.indexOf(step.table));
  });

  it('keeps migrations on the coordinator and names it', () => {
    expect(order).not.toContain('migrations');
    expect(plan.coordinatorOnly).toEqual(['migrations']);
  });

  it('does not depend on the order of the facts', () => {
    expect(planDistribution([...SCHEMA_FACTS].reverse())).toEqual(plan);
  });

  it('sends each table as one transaction: the anchor starts the group, the rest co-locate with it', () => {
    const byTable = new Map(plan.steps.map((s) => [s.table, s.sql]));
    expect(byTable.get('tenants')).toEqual([
      'BEGIN;',
      'SET LOCAL citus.enable_local_reference_table_foreign_keys = off;',
      "SELECT create_reference_table('cascade.tenants');",
      'COMMIT;',
    ]);
    expect(byTable.get('users')).toEqual([
      'BEGIN;',
      'SET LOCAL citus.enable_local_reference_table_foreign_keys = off;',
      'SET LOCAL citus.enable_unsafe_triggers = on;',
      "SELECT create_distributed_table('cascade.users', 'tenant_id', colocate_with => 'none');",
      'COMMIT;',
    ]);
    expect(byTable.get('refresh_tokens')).toEqual([
      'BEGIN;',
      'SET LOCAL citus.enable_local_reference_table_foreign_keys = off;',
      "SELECT create_distributed_table('cascade.refresh_tokens', 'tenant_id', colocate_with => 'cascade.users');",
      'COMMIT;',
    ]);
    // unsafe triggers only where a trigger is, and the plan names it
    expect(plan.steps.filter((s) => s.sql.some((l) => l.includes('enable_unsafe_triggers'))).map((s) => [s.table, s.triggers])).toEqual([
      ['users', ['users_external_tombstone']],
    ]);
  });

  it('refuses what Citus would refuse, naming every problem at once', () => {
    const problems = problemsOf([
      platformTable('tenants'),
      tenantTable('users'),
      // a unique key without tenant_id cannot be enforced across shards
      tenantTable('files', { uniqueKeys: [{ name: 'files_sha_key', columns: ['sha256'] }] }),
      // a foreign key between tenant tables that does not pair tenant_id with tenant_id
      tenantTable('comments', { foreignKeys: [fk('comments_user', 'users', ['author_id'], ['id'])] }),
      // a platform table referencing a tenant table
      platformTable('featured', { foreignKeys: [fk('featured_user', 'users', ['tenant_id', 'user_id'], ['tenant_id', 'id'])] }),
      // a reference to a table that is not distributed
      tenantTable('imports', { foreignKeys: [fk('imports_log', 'migrations', ['migration'], ['id'])] }),
      platformTable('migrations'),
    ]);
    expect(problems).toEqual([
      'unique index files_sha_key of cascade.files does not include tenant_id: Citus cannot enforce it across shards',
      'foreign key comments_user of cascade.comments → cascade.users does not match tenant_id with tenant_id: Citus needs foreign keys between distributed tables to include the distribution column',
      'foreign key featured_user of cascade.featured references the tenant table cascade.users: a reference table cannot reference a distributed table',
      'foreign key imports_log of cascade.imports references cascade.migrations, which is not distributed: only tables of the plan may be referenced',
    ]);
  });

  it('refuses a missing anchor, an anchor that references another tenant table, and cycles', () => {
    expect(problemsOf([platformTable('tenants'), tenantTable('resources')])).toEqual([
      'the anchor cascade.users is missing or has no tenant_id column',
    ]);
    expect(
      problemsOf([
        platformTable('tenants'),
        tenantTable('orgs'),
        tenantTable('users', { foreignKeys: [fk('users_org', 'orgs', ['tenant_id', 'org_id'], ['tenant_id', 'id'])] }),
      ]),
    ).toEqual(['the anchor cascade.users references the tenant table(s) cascade.orgs: it must be distributed first']);
    expect(
      problemsOf([
        platformTable('tenants'),
        tenantTable('users'),
        tenantTable('a', { foreignKeys: [fk('a_b', 'b', ['tenant_id', 'b_id'], ['tenant_id', 'id'])] }),
        tenantTable('b', { foreignKeys: [fk('b_a', 'a', ['tenant_id', 'a_id'], ['tenant_id', 'id'])] }),
      ]),
    ).toEqual(["the tenant tables' foreign keys form a cycle through cascade.a, cascade.b"]);
  });

  it('allows a self-reference that pairs tenant_id, and refuses a table name it would have to quote', () => {
    const tree = tenantTable('folders', {
      foreignKeys: [fk('folders_parent', 'folders', ['tenant_id', 'parent_id'], ['tenant_id', 'id'])],
    });
    expect(planDistribution([platformTable('tenants'), tenantTable('users'), tree]).steps.map((s) => s.table)).toEqual([
      'tenants',
      'users',
      'folders',
    ]);
    expect(problemsOf([platformTable('tenants'), tenantTable('users'), tenantTable('Odd Name')])).toEqual([
      'cascade.Odd Name: a table name this command does not quote; rename it',
    ]);
  });
});
