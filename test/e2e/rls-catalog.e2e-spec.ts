import { Client } from 'pg';
import { TestDatabase } from '../support/test-database';

/**
 * Guards the schema itself, so a table added tomorrow cannot forget row-level security:
 * every table of schema `cascade` with a tenant_id column must ENABLE and FORCE RLS and have a
 * policy on app.current_tenant; the request roles cannot bypass it.
 */
describe('database invariants', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await TestDatabase.create();
  });
  afterAll(() => db.drop());

  it('every tenant-owned table has ENABLE + FORCE row-level security and an isolation policy', async () => {
    const tables = await db.query<{
      table: string;
      enabled: boolean;
      forced: boolean;
      policies: string[];
      first_pk_column: string | null;
    }>(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             coalesce(array_agg(pg_get_expr(p.polqual, p.polrelid)) FILTER (WHERE p.polname IS NOT NULL), '{}') AS policies,
             (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               WHERE i.indrelid = c.oid AND i.indisprimary) AS first_pk_column
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
        LEFT JOIN pg_policy p ON p.polrelid = c.oid
       WHERE c.relkind IN ('r', 'p')
         AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
       GROUP BY c.oid, c.relname`);
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['tenant_quotas', 'users', 'resources', 'workrooms']));
    const offenders = tables.filter(
      (t) =>
        !t.enabled ||
        !t.forced ||
        t.first_pk_column !== 'tenant_id' ||
        !t.policies.some((p) => p.includes("current_setting('app.current_tenant'::text, true)") && p.includes('tenant_id')),
    );
    expect(offenders).toEqual([]);
  });

  it('every index of a tenant-owned table leads with tenant_id', async () => {
    const bad = await db.query(`
      SELECT c.relname AS table, ic.relname AS index
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
        JOIN pg_attribute first ON first.attrelid = c.oid AND first.attnum = i.indkey[0]
       WHERE EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
         AND first.attname <> 'tenant_id'`);
    expect(bad).toEqual([]);
  });

  it('the request roles cannot log in, are not superusers and cannot bypass RLS', async () => {
    const roles = await db.query(
      `SELECT rolname, rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname IN ('cascade_tenant', 'cascade_platform') ORDER BY rolname`,
    );
    expect(roles).toEqual([
      { rolname: 'cascade_platform', rolcanlogin: false, rolsuper: false, rolbypassrls: false },
      { rolname: 'cascade_tenant', rolcanlogin: false, rolsuper: false, rolbypassrls: false },
    ]);
  });

  describe('as cascade_tenant', () => {
    let client: Client;
    let tenantA: string;
    beforeAll(async () => {
      tenantA = '01a21bb1-0000-7000-8000-00000000000a';
      await db.query(`INSERT INTO cascade.tenants (id, slug, name, plan) VALUES ($1, 'rls-a', 'A', 'standard')`, [tenantA]);
      await db.query(`INSERT INTO cascade.resources (tenant_id, id, name) VALUES ($1, $1, 'a-row')`, [tenantA]);
      client = new Client({ connectionString: db.appUrl });
      await client.connect();
    });
    afterAll(() => client.end());

    async function inRole<T>(work: () => Promise<T>, tenant?: string): Promise<T> {
      await client.query('BEGIN');
      try {
        await client.query(`SELECT set_config('role', 'cascade_tenant', true)`);
        if (tenant !== undefined) await client.query(`SELECT set_config('app.current_tenant', $1, true)`, [tenant]);
        return await work();
      } finally {
        await client.query('ROLLBACK');
      }
    }

    it('without app.current_tenant reads no rows and writes none', async () => {
      const rows = await inRole(() => client.query('SELECT * FROM cascade.resources'));
      expect(rows.rowCount).toBe(0);
      await expect(
        inRole(() => client.query(`INSERT INTO cascade.resources (tenant_id, id, name) VALUES ($1, gen_random_uuid(), 'x')`, [tenantA])),
      ).rejects.toThrow(/row-level security/);
      const updated = await inRole(() => client.query(`UPDATE cascade.resources SET name = 'changed'`));
      expect(updated.rowCount).toBe(0);
    });

    it('with an empty setting (a reused pooled connection) reads no rows instead of failing', async () => {
      const rows = await inRole(() => client.query('SELECT * FROM cascade.resources'), '');
      expect(rows.rowCount).toBe(0);
    });

    it('with the tenant set, sees exactly that tenant and cannot write into another', async () => {
      const rows = await inRole(() => client.query('SELECT name FROM cascade.resources'), tenantA);
      expect(rows.rows).toEqual([{ name: 'a-row' }]);
      await expect(
        inRole(
          () => client.query(`INSERT INTO cascade.resources (tenant_id, id, name) VALUES (gen_random_uuid(), gen_random_uuid(), 'x')`),
          tenantA,
        ),
      ).rejects.toThrow();
    });

    it('the app login itself (outside the role switch) can read nothing', async () => {
      await expect(client.query('SELECT * FROM cascade.resources')).rejects.toThrow(/permission denied/);
      await expect(client.query('SELECT * FROM cascade.tenants')).rejects.toThrow(/permission denied/);
    });

    it('nothing set in a transaction survives it on the same connection', async () => {
      await inRole(async () => undefined, tenantA);
      const after = await client.query(`SELECT current_user AS usr, current_setting('app.current_tenant', true) AS tenant`);
      expect(after.rows[0].usr).toBe('cascade_test_app');
      expect(after.rows[0].tenant === '' || after.rows[0].tenant === null).toBe(true);
    });
  });
});
