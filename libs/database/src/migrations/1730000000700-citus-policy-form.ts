import { MigrationInterface, QueryRunner } from 'typeorm';

/** How PostgreSQL 15 prints the released sub-select form (rls.ts CURRENT_TENANT) back from the catalog. */
const SUBSELECT_FORM = `(( SELECT NULLIF(current_setting('app.current_tenant'::text, true), ''::text) AS "nullif"))::uuid`;
/** How it prints TENANT_SETTING, the form without a sub-select. */
const DIRECT_FORM = `(NULLIF(current_setting('app.current_tenant'::text, true), ''::text))::uuid`;

interface PolicyRow {
  tbl: string;
  policy: string;
  qual: string | null;
  check: string | null;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every policy of schema `cascade` without sub-selects, so the tables can be distributed by Citus
 * (it refuses policies with sub-queries on distributed and reference tables). Read from the
 * catalog rather than listed, so each policy built with the released helper is rewritten — the
 * tenant_isolation policy of every tenant-owned table (also of tables added by migrations before
 * this one) and `tenants.tenant_reads_itself`. The meaning is unchanged: the same comparison with
 * the same setting, only evaluated by the scan instead of an InitPlan. A policy that still has a
 * sub-select afterwards (one written by hand in another form) stops the migration, naming it.
 */
export class CitusPolicyForm1730000000700 implements MigrationInterface {
  name = 'CitusPolicyForm1730000000700';

  async up(q: QueryRunner): Promise<void> {
    await rewritePolicies(q, SUBSELECT_FORM, DIRECT_FORM);
    const left = (await policies(q)).filter((p) => /\bSELECT\b/i.test(`${p.qual ?? ''} ${p.check ?? ''}`));
    if (left.length) {
      throw new Error(
        `Policies with a sub-select remain (Citus refuses them): ${left.map((p) => `${p.policy} ON cascade.${p.tbl}`).join(', ')}`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await rewritePolicies(q, DIRECT_FORM, SUBSELECT_FORM);
  }
}

async function policies(q: QueryRunner): Promise<PolicyRow[]> {
  return (await q.query(
    `SELECT c.relname AS tbl, p.polname AS policy,
            pg_get_expr(p.polqual, p.polrelid) AS qual, pg_get_expr(p.polwithcheck, p.polrelid) AS check
       FROM pg_policy p
       JOIN pg_class c ON c.oid = p.polrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'cascade'
      ORDER BY c.relname, p.polname`,
  )) as PolicyRow[];
}

/** ALTER POLICY keeps each policy's command and roles; only the expressions that contain `from` change. */
async function rewritePolicies(q: QueryRunner, from: string, to: string): Promise<void> {
  for (const p of await policies(q)) {
    const clauses: string[] = [];
    if (p.qual?.includes(from)) clauses.push(`USING (${p.qual.split(from).join(to)})`);
    if (p.check?.includes(from)) clauses.push(`WITH CHECK (${p.check.split(from).join(to)})`);
    if (clauses.length) await q.query(`ALTER POLICY ${ident(p.policy)} ON cascade.${ident(p.tbl)} ${clauses.join(' ')}`);
  }
}
