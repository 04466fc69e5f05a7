import { Client } from 'pg';
import { citusSettingsProblems } from '@cascade/database';
import { ConnectionFacts, readCitusTables, readConnectionFacts, readTableFacts, readWorkers } from './catalog-facts';
import { CitusIo } from './citus-io';
import { COORDINATOR_ONLY, describeStep, DistributionPlan, planDistribution, PlanError, PlanStep, SCHEMA } from './distribution-plan';
import { assessProgress, Progress } from './distribution-state';

/**
 * This command's advisory lock (a fixed key of its own), held for the whole run on its session so
 * two operators cannot distribute at once: the steps are separate transactions, so no
 * transaction-level lock spans them. An operator's admin session, not a request's: nothing of a
 * tenant is ever set on it.
 */
const RUN_LOCK_KEY = 730_500_000_700;

const q = (table: string) => `${SCHEMA}.${table}`;

function migrationProblems(facts: ConnectionFacts): string[] {
  if (!facts.migrationsReadable) return [`${facts.user} may not read ${SCHEMA}.migrations, so whether migrations are pending is unknown`];
  if (facts.pendingMigrations.length > 0)
    return [`migrations are pending (${facts.pendingMigrations.join(', ')}): run cascade migrate first`];
  return [];
}

/** Exit codes: 0 done (or nothing to do), 1 a precondition or the cluster's state refuses the run, 2 a step failed. */
export async function runDistribute(client: Client, opts: { dryRun: boolean; target: string }, io: CitusIo): Promise<number> {
  const facts = await readConnectionFacts(client);
  let plan: DistributionPlan;
  try {
    plan = planDistribution(await readTableFacts(client));
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return 1;
  }
  const citus = facts.settings.extensionVersion !== null;
  const preconditions = [
    ...citusSettingsProblems(facts.settings),
    ...migrationProblems(facts),
    ...(facts.superuser ? [] : [`${facts.user} is not a superuser: set DATABASE_ADMIN_URL to a superuser of the coordinator`]),
  ];

  if (opts.dryRun) {
    const progress = assessProgress(plan, citus ? await readCitusTables(client) : []);
    io.stdout.write(dryRunText(plan, progress, facts, citus ? await readWorkers(client) : null, opts.target));
    return 0;
  }
  if (preconditions.length > 0) {
    io.stderr.write(`cascade citus distribute cannot run on ${opts.target}:\n${preconditions.map((p) => `  - ${p}\n`).join('')}`);
    return 1;
  }
  const locked = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RUN_LOCK_KEY])).rows[0].locked;
  if (!locked) {
    io.stderr.write('another cascade citus distribute is running on this coordinator: nothing was changed\n');
    return 1;
  }
  try {
    // the state is read under the lock: no other run can change it from here on
    return await execute(client, plan, assessProgress(plan, await readCitusTables(client)), io);
  } finally {
    // a lost connection has released it already
    await client.query('SELECT pg_advisory_unlock($1)', [RUN_LOCK_KEY]).catch(() => undefined);
  }
}

async function execute(client: Client, plan: DistributionPlan, progress: Progress, io: CitusIo): Promise<number> {
  if (progress.problems.length > 0) {
    io.stderr.write(refusalText(progress));
    return 1;
  }
  const total = plan.steps.length;
  const workers = await readWorkers(client);
  io.stdout.write(
    `${planSummary(plan)}; ${workers.length} active worker${workers.length === 1 ? '' : 's'} (${workers.join(', ') || 'none'})\n`,
  );
  if (progress.done.length > 0 && progress.pending.length > 0) {
    io.stdout.write(
      `resuming: ${progress.done.length} of ${total} tables are already as planned (each table is distributed in one transaction, so none is half done)\n`,
    );
  }
  for (const [i, step] of plan.steps.entries()) {
    const label = `[${i + 1}/${total}] ${q(step.table)}`;
    if (progress.done.includes(step)) {
      io.stdout.write(`${label}: already ${step.kind === 'reference' ? 'a reference table' : 'distributed'} (${describeStep(step)})\n`);
      continue;
    }
    const started = Date.now();
    try {
      for (const statement of step.sql) await client.query(statement);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      io.stderr.write(
        `${label}: failed, nothing of this table was changed: ${(err as Error).message}\n` +
          `the ${i} table(s) before it stay as they are; fix the cause and run cascade citus distribute again to continue\n`,
      );
      return 2;
    }
    io.stdout.write(`${label}: ${describeStep(step)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  // Read back from the cluster: every table as planned, whatever happened meanwhile.
  const after = assessProgress(plan, await readCitusTables(client));
  if (after.pending.length > 0 || after.problems.length > 0) {
    io.stderr.write(
      `after the run the cluster is not as planned:\n${[...after.problems, ...after.pending.map((s) => `${q(s.table)} is not distributed`)].map((p) => `  - ${p}\n`).join('')}`,
    );
    return 2;
  }
  io.stdout.write(
    progress.pending.length === 0
      ? `nothing to do: all ${total} tables are already distributed as planned\n`
      : `done: ${progress.pending.length} table(s) distributed now, ${progress.done.length} already; all ${total} as planned\n`,
  );
  return 0;
}

function planSummary(plan: DistributionPlan): string {
  const refs = plan.steps.filter((s) => s.kind === 'reference').length;
  const dist = plan.steps.length - refs;
  const local = plan.coordinatorOnly.map(q).join(', ');
  return `plan: ${refs} reference tables, then ${dist} tenant tables distributed by tenant_id co-located with ${q(plan.anchor)}${local ? `; ${local} stays on the coordinator` : ''}`;
}

function refusalText(progress: Progress): string {
  return (
    `the cluster is in a state this command does not continue from, so nothing was changed:\n` +
    progress.problems.map((p) => `  - ${p}\n`).join('') +
    `(a run that stopped half-way is continued by running again: every table is either fully distributed as planned or untouched; docs/scaling.md)\n`
  );
}

/** A psql-ready script: the checks as comments, then exactly the statements a real run would send. */
function dryRunText(plan: DistributionPlan, progress: Progress, facts: ConnectionFacts, workers: string[] | null, target: string): string {
  const citus = facts.settings.extensionVersion !== null;
  const lines = [
    `-- cascade citus distribute --dry-run: nothing was run. Target: ${target} (database ${facts.database}, as ${facts.user})`,
    `-- checks a real run makes first (it stops at any that fails):`,
    citus
      ? `--   citus extension: ${facts.settings.extensionVersion}`
      : `--   citus extension: NOT installed — plain PostgreSQL; the Citus checks are skipped and the SQL below assumes no table is distributed yet`,
    citus
      ? `--   citus.propagate_set_commands: ${facts.settings.propagateSetCommands === 'local' ? 'local' : `WRONG — ${citusSettingsProblems(facts.settings)[0]}`}`
      : `--   citus.propagate_set_commands: not checked (needs the citus extension)`,
    `--   migrations: ${migrationProblems(facts)[0] ?? `all ${facts.appliedMigrations} applied`}`,
    `--   superuser: ${facts.superuser ? `yes (${facts.user})` : `NO (${facts.user}): set DATABASE_ADMIN_URL to a superuser`}`,
    workers === null
      ? `--   workers: not checked (needs the citus extension)`
      : `--   active workers: ${workers.length} (${workers.join(', ') || 'none'})`,
    `-- ${planSummary(plan)}`,
  ];
  const body = plan.steps.map((step: PlanStep, i) => {
    const done = progress.done.includes(step);
    const head = `-- [${i + 1}/${plan.steps.length}] ${q(step.table)}: ${describeStep(step)}${done ? ' — already done, skipped' : ''}`;
    return done ? head : [head, ...step.sql].join('\n');
  });
  const refusal =
    progress.problems.length > 0 ? `-- REFUSED as the cluster is now:\n${progress.problems.map((p) => `--   ${p}`).join('\n')}\n` : '';
  const coordinatorOnly = COORDINATOR_ONLY.filter((t) => plan.coordinatorOnly.includes(t)).map(
    (t) => `-- ${q(t)}: stays on the coordinator`,
  );
  return `${lines.join('\n')}\n${citus ? `--   already as planned: ${progress.done.length} table(s); would run: ${progress.pending.length}\n` : ''}${refusal}${[...body, ...coordinatorOnly].join('\n')}\n`;
}
