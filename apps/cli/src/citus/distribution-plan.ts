/**
 * The distribution plan: catalog facts in, ordered SQL out — no database, no clock, so every rule
 * is unit-tested (distribution-plan.spec.ts) and the same plan is what `--dry-run` prints and what
 * a real run executes. Nothing here is a hand-kept list of tables: a table a migration adds is in
 * the plan the next time it is computed.
 *
 * - Every table of schema `cascade` with a `tenant_id` column is distributed by `tenant_id`,
 *   co-located with the anchor (`users`), so one tenant's rows of every table live on one worker
 *   and a statement naming the tenant runs on that worker alone.
 * - Every other table but the coordinator-only ones (`migrations`) becomes a reference table (a
 *   copy on every node): `tenants`, which every tenant table references and whose `slug` and
 *   `custom_domain` must stay unique across tenants, and the small platform-wide tables requests
 *   read or write in their transaction.
 * - Order: reference tables first, then the anchor, then the other tenant tables, each after every
 *   table it references (Citus refuses a foreign key to a table that is not yet distributed or a
 *   reference table); ties by name, so the order does not depend on the order of the facts.
 */

export const SCHEMA = 'cascade';
export const DISTRIBUTION_COLUMN = 'tenant_id';
/** The co-location anchor: the first tenant table distributed; every other one joins its group. */
export const ANCHOR_TABLE = 'users';
/** Tables that stay local to the coordinator: TypeORM's migration log, read only by `migrate`. */
export const COORDINATOR_ONLY: readonly string[] = ['migrations'];

export interface ForeignKeyFact {
  name: string;
  columns: string[];
  referencedSchema: string;
  referencedTable: string;
  referencedColumns: string[];
}

export interface UniqueKeyFact {
  /** The index (a primary key or unique constraint is one too). */
  name: string;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
}

/** What the plan needs to know of one table of schema `cascade`. */
export interface TableFact {
  name: string;
  hasTenantId: boolean;
  foreignKeys: ForeignKeyFact[];
  uniqueKeys: UniqueKeyFact[];
  /** User triggers (not the internal ones of foreign keys). */
  triggers: string[];
}

export type StepKind = 'reference' | 'distributed';

export interface PlanStep {
  table: string;
  kind: StepKind;
  /** Distributed steps: 'none' for the anchor (a new co-location group), else the anchor. */
  colocateWith?: string;
  /** Other tables of the plan this one references (its foreign keys), by name. */
  references: string[];
  triggers: string[];
  /** One transaction: what `--dry-run` prints and a real run sends, statement by statement. */
  sql: string[];
}

export interface DistributionPlan {
  anchor: string;
  steps: PlanStep[];
  coordinatorOnly: string[];
}

/** The catalog has something Citus would refuse: every such thing, each naming table and rule. */
export class PlanError extends Error {
  constructor(readonly problems: string[]) {
    super(`the schema cannot be distributed as it is:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PlanError';
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const qualified = (table: string) => `${SCHEMA}.${table}`;

/**
 * The statements of one step. `enable_local_reference_table_foreign_keys = off`: with the
 * coordinator in the metadata, Citus would otherwise turn every plain table that references a new
 * reference table into a "Citus local" table — and it cannot then distribute a table that a Citus
 * local table references (the tenant tables reference each other). `enable_unsafe_triggers`: Citus
 * refuses a table with triggers unless it is on; the trigger then fires on each shard, which is
 * sound for a trigger that touches only the same tenant's rows of co-located tables (CASCADE's one
 * trigger, users_external_tombstone, writes the deleted user's tombstone with the user's own
 * tenant_id). The plan names every trigger it lets through, so a new one is seen in review.
 */
function stepSql(step: Omit<PlanStep, 'sql'>): string[] {
  const create =
    step.kind === 'reference'
      ? `SELECT create_reference_table('${qualified(step.table)}');`
      : `SELECT create_distributed_table('${qualified(step.table)}', '${DISTRIBUTION_COLUMN}', colocate_with => '${step.colocateWith}');`;
  return [
    'BEGIN;',
    'SET LOCAL citus.enable_local_reference_table_foreign_keys = off;',
    ...(step.triggers.length > 0 ? ['SET LOCAL citus.enable_unsafe_triggers = on;'] : []),
    create,
    'COMMIT;',
  ];
}

/** Kahn's algorithm over `tables`, a table after everything it depends on; on a cycle, the tables left. */
function topologicalOrder(tables: string[], dependsOn: Map<string, Set<string>>): { order: string[]; cyclic: string[] } {
  const remaining = new Map(tables.map((t) => [t, new Set([...(dependsOn.get(t) ?? [])].filter((d) => d !== t && tables.includes(d)))]));
  const order: string[] = [];
  for (;;) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([t]) => t);
    if (ready.length === 0) return { order, cyclic: [...remaining.keys()].sort() };
    const next = ready.sort()[0];
    order.push(next);
    remaining.delete(next);
    for (const deps of remaining.values()) deps.delete(next);
  }
}

export function planDistribution(facts: TableFact[]): DistributionPlan {
  const problems: string[] = [];
  const byName = new Map(facts.map((f) => [f.name, f]));
  for (const f of facts)
    if (!IDENTIFIER.test(f.name)) problems.push(`${qualified(f.name)}: a table name this command does not quote; rename it`);

  const planned = facts.filter((f) => !COORDINATOR_ONLY.includes(f.name));
  const tenantTables = planned.filter((f) => f.hasTenantId).map((f) => f.name);
  const referenceTables = planned.filter((f) => !f.hasTenantId).map((f) => f.name);
  const anchor = byName.get(ANCHOR_TABLE);
  if (!anchor?.hasTenantId) problems.push(`the anchor ${qualified(ANCHOR_TABLE)} is missing or has no ${DISTRIBUTION_COLUMN} column`);

  const dependsOn = new Map<string, Set<string>>(planned.map((f) => [f.name, new Set<string>()]));
  for (const f of planned) {
    for (const fk of f.foreignKeys) {
      const where = `foreign key ${fk.name} of ${qualified(f.name)}`;
      const target = fk.referencedSchema === SCHEMA ? byName.get(fk.referencedTable) : undefined;
      if (!target || COORDINATOR_ONLY.includes(target.name)) {
        problems.push(
          `${where} references ${fk.referencedSchema}.${fk.referencedTable}, which is not distributed: only tables of the plan may be referenced`,
        );
        continue;
      }
      if (f.hasTenantId && target.hasTenantId) {
        const paired = fk.columns.some((c, i) => c === DISTRIBUTION_COLUMN && fk.referencedColumns[i] === DISTRIBUTION_COLUMN);
        if (!paired) {
          problems.push(
            `${where} → ${qualified(target.name)} does not match ${DISTRIBUTION_COLUMN} with ${DISTRIBUTION_COLUMN}: Citus needs foreign keys between distributed tables to include the distribution column`,
          );
        }
      }
      if (!f.hasTenantId && target.hasTenantId) {
        problems.push(
          `${where} references the tenant table ${qualified(target.name)}: a reference table cannot reference a distributed table`,
        );
      }
      if (target.name !== f.name) dependsOn.get(f.name)?.add(target.name);
    }
    if (f.hasTenantId) {
      for (const key of f.uniqueKeys) {
        if (!key.columns.includes(DISTRIBUTION_COLUMN)) {
          problems.push(
            `unique index ${key.name} of ${qualified(f.name)} does not include ${DISTRIBUTION_COLUMN}: Citus cannot enforce it across shards`,
          );
        }
      }
    }
  }
  const anchorParents = [...(dependsOn.get(ANCHOR_TABLE) ?? [])].filter((t) => tenantTables.includes(t));
  if (anchorParents.length > 0) {
    problems.push(
      `the anchor ${qualified(ANCHOR_TABLE)} references the tenant table(s) ${anchorParents.map(qualified).join(', ')}: it must be distributed first`,
    );
  }

  const referenceOrder = topologicalOrder(referenceTables, dependsOn);
  const tenantOrder = topologicalOrder(
    tenantTables.filter((t) => t !== ANCHOR_TABLE),
    dependsOn,
  );
  for (const [what, { cyclic }] of [
    ['reference', referenceOrder],
    ['tenant', tenantOrder],
  ] as const) {
    if (cyclic.length > 0) problems.push(`the ${what} tables' foreign keys form a cycle through ${cyclic.map(qualified).join(', ')}`);
  }
  if (problems.length > 0) throw new PlanError(problems);

  const step = (table: string, kind: StepKind, colocateWith?: string): PlanStep => {
    const fact = byName.get(table) as TableFact;
    const partial = {
      table,
      kind,
      colocateWith,
      references: [...(dependsOn.get(table) ?? [])].sort(),
      triggers: [...fact.triggers].sort(),
    };
    return { ...partial, sql: stepSql(partial) };
  };
  return {
    anchor: ANCHOR_TABLE,
    steps: [
      ...referenceOrder.order.map((t) => step(t, 'reference')),
      step(ANCHOR_TABLE, 'distributed', 'none'),
      ...tenantOrder.order.map((t) => step(t, 'distributed', qualified(ANCHOR_TABLE))),
    ],
    coordinatorOnly: facts.filter((f) => COORDINATOR_ONLY.includes(f.name)).map((f) => f.name),
  };
}

/** One line saying what a step makes of its table, for progress and dry-run comments. */
export function describeStep(step: PlanStep): string {
  const triggers =
    step.triggers.length > 0 ? ` (its trigger${step.triggers.length > 1 ? 's' : ''} ${step.triggers.join(', ')} kept on every shard)` : '';
  if (step.kind === 'reference') return `reference table${triggers}`;
  return step.colocateWith === 'none'
    ? `distributed by ${DISTRIBUTION_COLUMN}, the co-location anchor${triggers}`
    : `distributed by ${DISTRIBUTION_COLUMN}, co-located with ${step.colocateWith}${triggers}`;
}
