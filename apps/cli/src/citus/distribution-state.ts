import { DISTRIBUTION_COLUMN, DistributionPlan, PlanStep, SCHEMA } from './distribution-plan';

/**
 * Where a cluster stands against the plan, and whether the plan may continue from there.
 *
 * Each step is one transaction, and Citus' create_reference_table / create_distributed_table do
 * their whole work (metadata, shards, the copy of the rows, emptying the local table) in the
 * caller's transaction. So a run stopped at any point — an error, a lost connection, Ctrl-C —
 * leaves every table either exactly as the plan wants it or untouched, and the steps that are done
 * are a prefix of the plan in foreign-key order. Such a half-way state is resumed: the done steps
 * are checked to be exactly what the plan makes (kind, column, co-location group) and skipped,
 * the rest run. What the plan cannot have produced — a table distributed by another column or in
 * another co-location group, a tenant table made a reference table, tenant tables distributed
 * while the anchor is not, a done table that references a pending one — is refused, naming each
 * table: continuing from there would leave tenants' rows on different workers or break a
 * foreign key, and undoing it is an operator's decision, not this command's.
 */

/** A row of pg_dist_partition for a table of schema `cascade`. */
export interface DistPartitionRow {
  table: string;
  /** partmethod: h(ash), n(one: reference, Citus local, single-shard), a(ppend), r(ange). */
  method: string;
  /** repmodel: t (two-phase: reference tables), s (streaming), c (statement, older versions). */
  repmodel: string;
  colocationId: number;
  /** Distribution column name, for hash/append/range tables. */
  column: string | null;
}

export type CitusTableKind = 'reference' | 'distributed' | 'citus_local' | 'other';

export interface CitusTableState {
  table: string;
  kind: CitusTableKind;
  column: string | null;
  colocationId: number;
}

export function classify(row: DistPartitionRow): CitusTableState {
  const kind: CitusTableKind =
    row.method === 'h'
      ? 'distributed'
      : row.method === 'n' && row.repmodel === 't'
        ? 'reference'
        : row.method === 'n' && row.colocationId === 0
          ? 'citus_local'
          : 'other';
  return { table: row.table, kind, column: row.column, colocationId: row.colocationId };
}

export interface Progress {
  done: PlanStep[];
  pending: PlanStep[];
  /** Non-empty: the run is refused, nothing is changed. */
  problems: string[];
}

const q = (table: string) => `${SCHEMA}.${table}`;

function describe(s: CitusTableState): string {
  switch (s.kind) {
    case 'reference':
      return 'a reference table';
    case 'distributed':
      return `distributed by ${s.column ?? '?'} (co-location group ${s.colocationId})`;
    case 'citus_local':
      return 'a Citus local table';
    default:
      return `a Citus table of another kind (append, range or single-shard; co-location group ${s.colocationId})`;
  }
}

export function assessProgress(plan: DistributionPlan, states: CitusTableState[]): Progress {
  const state = new Map(states.map((s) => [s.table, s]));
  const problems: string[] = [];
  const done = new Set<string>();
  const anchor = state.get(plan.anchor);
  const anchorGroup = anchor?.kind === 'distributed' && anchor.column === DISTRIBUTION_COLUMN ? anchor.colocationId : undefined;

  for (const step of plan.steps) {
    const s = state.get(step.table);
    // a plain table, or one Citus keeps as a local table on the coordinator: the step will do it
    if (!s || s.kind === 'citus_local') continue;
    if (step.kind === 'reference') {
      if (s.kind === 'reference') done.add(step.table);
      else problems.push(`${q(step.table)} is ${describe(s)}; the plan makes it a reference table`);
      continue;
    }
    if (s.kind !== 'distributed' || s.column !== DISTRIBUTION_COLUMN) {
      problems.push(`${q(step.table)} is ${describe(s)}; the plan distributes it by ${DISTRIBUTION_COLUMN}`);
    } else if (anchorGroup === undefined) {
      problems.push(`${q(step.table)} is distributed, but the anchor ${q(plan.anchor)} is not: this command distributes the anchor first`);
    } else if (s.colocationId !== anchorGroup) {
      problems.push(`${q(step.table)} is in co-location group ${s.colocationId}, the anchor ${q(plan.anchor)} in ${anchorGroup}`);
    } else {
      done.add(step.table);
    }
  }

  for (const step of plan.steps) {
    const pendingParents = step.references.filter((r) => !done.has(r));
    if (done.has(step.table) && pendingParents.length > 0) {
      problems.push(`${q(step.table)} is distributed but references ${pendingParents.map(q).join(', ')}, which is not`);
    }
    // Citus cannot distribute a table while a Citus local table references it
    if (step.kind === 'distributed' && !done.has(step.table)) {
      const localChildren = plan.steps.filter((c) => c.references.includes(step.table) && state.get(c.table)?.kind === 'citus_local');
      for (const child of localChildren) {
        problems.push(
          `${q(child.table)} is a Citus local table that references ${q(step.table)}, which is not distributed yet: Citus cannot distribute ${q(step.table)} then (such tables appear when a table they reference becomes a reference table while citus.enable_local_reference_table_foreign_keys is on and the coordinator is in the metadata; docs/scaling.md says how to turn them back into plain tables)`,
        );
      }
    }
  }

  return {
    done: plan.steps.filter((s) => done.has(s.table)),
    pending: plan.steps.filter((s) => !done.has(s.table)),
    problems,
  };
}
