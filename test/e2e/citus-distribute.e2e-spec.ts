import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { QueryRunner } from 'typeorm';
import { CitusPolicyForm1730000000700 } from '../../libs/database/src/migrations/1730000000700-citus-policy-form';
import { TestDatabase, withClient } from '../support/test-database';

const SCRIPT = readFileSync(resolve(__dirname, '../../scripts/citus-distribute.sql'), 'utf8');
const ANCHOR = 'users';

interface Step {
  kind: 'reference' | 'distributed';
  table: string;
  column?: string;
  colocateWith?: string;
  guarded: boolean;
}

/** The create_*_table calls of the script, in order (comments removed first). */
function steps(script: string): Step[] {
  const code = script.replace(/--.*$/gm, '');
  const call =
    /SELECT create_(reference|distributed)_table\('cascade\.(\w+)'(?:, '(\w+)', colocate_with => '([\w.]+)')?\)\s+WHERE NOT EXISTS \(SELECT 1 FROM pg_dist_partition WHERE logicalrelid = 'cascade\.(\w+)'::regclass\);/g;
  const found: Step[] = [];
  for (let m = call.exec(code); m; m = call.exec(code)) {
    found.push({ kind: m[1] as Step['kind'], table: m[2], column: m[3], colocateWith: m[4], guarded: m[5] === m[2] });
  }
  const calls = code.match(/create_(reference|distributed)_table\(/g) ?? [];
  if (calls.length !== found.length)
    throw new Error(`${calls.length - found.length} create_*_table call(s) not in the expected guarded form`);
  return found;
}

/**
 * What plain PostgreSQL can check of the Citus set-up: the policies have the form Citus accepts,
 * and scripts/citus-distribute.sql names every tenant table of the migrated catalog, by tenant_id,
 * co-located, in foreign-key order. Running it on a real cluster is docs/citus.md's checklist.
 */
describe('Citus: policy form and distribution script', () => {
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

  it('the script distributes every tenant table by tenant_id, co-located with the anchor', () => {
    const distributed = steps(SCRIPT).filter((s) => s.kind === 'distributed');
    expect(distributed.map((s) => s.table).sort()).toEqual(tenantTables);
    expect(distributed[0]).toMatchObject({ table: ANCHOR, column: 'tenant_id', colocateWith: 'none' });
    for (const s of distributed.slice(1)) expect(s).toMatchObject({ column: 'tenant_id', colocateWith: `cascade.${ANCHOR}` });
  });

  it('every other table but migrations is a reference table, and every step is skipped when done', () => {
    const all = steps(SCRIPT);
    expect(
      all
        .filter((s) => s.kind === 'reference')
        .map((s) => s.table)
        .sort(),
    ).toEqual(otherTables.filter((t) => t !== 'migrations'));
    expect(all.filter((s) => !s.guarded)).toEqual([]);
    expect(new Set(all.map((s) => s.table)).size).toBe(all.length);
  });

  it('names each table after every table it references (foreign-key order)', async () => {
    const order = steps(SCRIPT).map((s) => s.table);
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

  it('on PostgreSQL without Citus the script stops at its first check, saying what to install', async () => {
    await expect(db.query(SCRIPT)).rejects.toThrow(/citus extension is not installed in this database: run CREATE EXTENSION citus/);
  });
});
