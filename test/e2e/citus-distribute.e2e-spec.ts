import { Client } from 'pg';
import { QueryRunner } from 'typeorm';
import { readTableFacts } from '../../apps/cli/src/citus/catalog-facts';
import { ANCHOR_TABLE as ANCHOR, planDistribution } from '../../apps/cli/src/citus/distribution-plan';
import { CitusPolicyForm1730000000700 } from '../../libs/database/src/migrations/1730000000700-citus-policy-form';
import { runCitusCli } from '../cli/cli-harness';
import { TestDatabase, withClient } from '../support/test-database';

/**
 * What plain PostgreSQL can check of the Citus set-up: the policies have the form Citus accepts,
 * and `cascade citus distribute` plans every tenant table of the migrated catalog, by tenant_id,
 * co-located, in foreign-key order; its dry run prints that plan here and a real run refuses
 * without Citus. The same command against a real coordinator is test/citus/.
 */
describe('Citus: policy form and the distribute command on the migrated catalog', () => {
  let db: TestDatabase;
  let tenantTables: string[];
  let otherTables: string[];
  beforeAll(async () => {
    db = await TestDatabase.create();
    const tables = await db.query<{ table: string; tenant_owned: boolean }>(
      `SELECT c.relname AS table,
              EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenant_owned
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
        WHERE c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    tenantTables = tables.filter((t) => t.tenant_owned).map((t) => t.table);
    otherTables = tables.filter((t) => !t.tenant_owned).map((t) => t.table);
  });
  afterAll(() => db.drop());

  /** `cascade citus …` in process, as the superuser of a test database (DATABASE_ADMIN_URL). */
  const citus = (args: string[], adminUrl = db.adminUrl) => runCitusCli(args, db, adminUrl);

  it('no policy of schema cascade has a sub-select, and every tenant table is isolated by the direct form', async () => {
    const policies = await db.query<{ table: string; policy: string; qual: string | null; check: string | null }>(
      `SELECT c.relname AS table, p.polname AS policy, pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check
         FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'`,
    );
    expect(policies.filter((p) => /\bselect\b/i.test(`${p.qual} ${p.check}`))).toEqual([]);
    const direct = `(tenant_id = (NULLIF(current_setting('app.current_tenant'::text, true), ''::text))::uuid)`;
    const isolation = policies.filter((p) => p.policy === 'tenant_isolation');
    expect(isolation.map((p) => p.table).sort()).toEqual(tenantTables);
    for (const p of isolation)
      expect({ table: p.table, qual: p.qual, check: p.check }).toEqual({ table: p.table, qual: direct, check: direct });
  });

  it('the migration turns every released sub-select policy into the direct form, and back', async () => {
    const fresh = await TestDatabase.create();
    try {
      await withClient(fresh.adminUrl, async (client: Client) => {
        const runner = {
          query: async (text: string, params?: unknown[]) => (await client.query(text, params)).rows,
        } as unknown as QueryRunner;
        const subSelects = async () =>
          Number(
            (
              await client.query(
                `SELECT count(*) AS n FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'cascade' AND pg_get_expr(p.polqual, p.polrelid) ILIKE '%select%'`,
              )
            ).rows[0].n,
          );
        await new CitusPolicyForm1730000000700().down(runner);
        // the released form: every tenant_isolation policy plus tenants.tenant_reads_itself
        expect(await subSelects()).toBe(tenantTables.length + 1);
        await new CitusPolicyForm1730000000700().up(runner);
        expect(await subSelects()).toBe(0);
      });
    } finally {
      await fresh.drop();
    }
  });

  it('the plan, from the migrated catalog: every tenant table by tenant_id with the anchor; every other table but migrations a reference table', async () => {
    const plan = await withClient(db.adminUrl, async (c) => planDistribution(await readTableFacts(c)));
    const distributed = plan.steps.filter((s) => s.kind === 'distributed');
    expect(distributed.map((s) => s.table).sort()).toEqual(tenantTables);
    expect(distributed[0]).toMatchObject({ table: ANCHOR, colocateWith: 'none' });
    for (const s of distributed.slice(1)) expect(s.colocateWith).toBe(`cascade.${ANCHOR}`);
    expect(
      plan.steps
        .filter((s) => s.kind === 'reference')
        .map((s) => s.table)
        .sort(),
    ).toEqual(otherTables.filter((t) => t !== 'migrations'));
    expect(plan.coordinatorOnly).toEqual(['migrations']);
    // every trigger the plan lets through with citus.enable_unsafe_triggers, named: a new one shows here
    expect(plan.steps.filter((s) => s.triggers.length > 0).map((s) => [s.table, s.triggers])).toEqual([
      ['users', ['users_external_tombstone']],
    ]);
  });

  it('names each table after every table it references (foreign-key order, read from the catalog)', async () => {
    const order = (await withClient(db.adminUrl, async (c) => planDistribution(await readTableFacts(c)))).steps.map((s) => s.table);
    const fks = await db.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = c.relnamespace AND cn.nspname = 'cascade'
         JOIN pg_class p ON p.oid = k.confrelid
        WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`,
    );
    expect(fks.length).toBeGreaterThan(tenantTables.length - 1);
    expect(fks.filter((fk) => !(order.indexOf(fk.parent) >= 0 && order.indexOf(fk.parent) < order.indexOf(fk.child)))).toEqual([]);
  });

  it('--dry-run on plain PostgreSQL: says the Citus checks were skipped and prints, per table, exactly the SQL a run sends', async () => {
    const run = await citus(['distribute', '--dry-run']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const plan = await withClient(db.adminUrl, async (c) => planDistribution(await readTableFacts(c)));
    const total = plan.steps.length;
    expect(run.stdout).toContain('--   citus extension: NOT installed — plain PostgreSQL; the Citus checks are skipped');
    expect(run.stdout).toContain('--   citus.propagate_set_commands: not checked (needs the citus extension)');
    expect(run.stdout).toMatch(/--   migrations: all \d+ applied/);
    expect(run.stdout).toContain('--   superuser: yes');
    for (const [i, step] of plan.steps.entries()) expect(run.stdout).toContain(`-- [${i + 1}/${total}] cascade.${step.table}: `);
    // without the comments, the output is the plan's statements in order: a psql script
    const statements = run.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('--'));
    expect(statements).toEqual(plan.steps.flatMap((s) => s.sql));
    expect(run.stdout).toContain("SELECT create_distributed_table('cascade.users', 'tenant_id', colocate_with => 'none');");
    expect(run.stdout).toContain('-- cascade.migrations: stays on the coordinator');
  });

  it('a real run on plain PostgreSQL stops at its checks, naming what to set, and changes nothing', async () => {
    const before = await db.query(`SELECT relname, relkind FROM pg_class WHERE relnamespace = 'cascade'::regnamespace ORDER BY 1`);
    const run = await citus(['distribute']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/cannot run on .*:\n {2}- the citus extension is not installed in this database: .*CREATE EXTENSION citus;/);
    expect(await db.query(`SELECT relname, relkind FROM pg_class WHERE relnamespace = 'cascade'::regnamespace ORDER BY 1`)).toEqual(before);
  });

  it('names pending migrations (the policy rewrite Citus needs included), in the dry run and as a refusal', async () => {
    const fresh = await TestDatabase.create();
    try {
      await fresh.query(`DELETE FROM cascade.migrations WHERE name = 'CitusPolicyForm1730000000700'`);
      const dry = await citus(['distribute', '--dry-run'], fresh.adminUrl);
      expect(dry.stdout).toContain('--   migrations: migrations are pending (CitusPolicyForm1730000000700): run cascade migrate first');
      const real = await citus(['distribute'], fresh.adminUrl);
      expect(real.code).toBe(1);
      expect(real.stderr).toContain('  - migrations are pending (CitusPolicyForm1730000000700): run cascade migrate first');
    } finally {
      await fresh.drop();
    }
  });

  it('refuses unknown arguments with the usage', async () => {
    const run = await citus(['distribute', '--yes']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^unknown option --yes\nusage:\n {2}citus distribute/);
  });
});
