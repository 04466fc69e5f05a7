import { EntityManager } from 'typeorm';
import { AuditRepository } from '@cascade/audit';
import { uuidv7 } from '@cascade/core';
import { ScopedTransaction, TransactionRunner } from '@cascade/database';
import { AnyRecord, COLLECTIONS, CollectionName, TenantManifest } from '../format/export-format';
import { FileEntry } from '../format/record-rules';
import { Problem } from '../format/problem';
import { completeFile, parseRecord, validateExport, ValidatedExport } from './export-validator';
import { CollectionCounts, emptyCounts, ImportReport } from './import-report';
import { ImportPlan, planImport, PlannerDeps } from './import-planner';
import { CollectionWriter, RECORD_WRITERS, Row, WriteContext } from './record-writers';
import { stableId } from './stable-ids';

export interface ImportOptions {
  path: string;
  dryRun: boolean;
  /** Records per transaction; an export that fits in one batch commits in ONE transaction. */
  batchSize: number;
  /** Overrides tenant.json's plan for a new tenant. */
  plan?: string;
}

/** Told after each committed batch how far its collections got; the CLI draws it (output/progress-renderer.ts). */
export interface ImportProgress {
  update(collection: CollectionName, all: Record<CollectionName, CollectionCounts>): void;
  done(all: Record<CollectionName, CollectionCounts>): void;
}

export interface ImportHooks {
  /** After each committed batch (1-based). A throw stops the run there, as a crash would. */
  afterBatch?(batch: number): void | Promise<void>;
}

export interface ImporterDeps extends PlannerDeps {
  runner: TransactionRunner;
  audit: AuditRepository;
  baseDomain?: string;
  /** Writes file records and their bytes; without it an export with files is refused. */
  files?: CollectionWriter<'files'>;
  /** After the batch that created the tenant committed (routing caches forget "no such slug"). */
  tenantCreated?(tenant: { id: string; slug: string; custom_domain: string | null }): Promise<void>;
}

type Batch = Map<CollectionName, AnyRecord[]>;
type AnyWriter = CollectionWriter<CollectionName>;
type Prepared = { writer: AnyWriter; rows: Row<CollectionName>[] };
type ValidExport = ValidatedExport & { manifest: TenantManifest };

/** The audit event of a CLI action: no actor or IP; the run id groups the batches of one run. */
export const cliEvent = (tenantId: string, action: string, runId: string) => ({
  tenantId,
  actorId: null,
  action,
  resourceType: 'tenant',
  resourceId: tenantId,
  outcome: 'success' as const,
  ip: null,
  userAgent: 'cascade-cli',
  requestId: runId,
});

const size = (batch: Batch) => [...batch.values()].reduce((n, records) => n + records.length, 0);

/**
 * `cascade tenants import`: validate everything (offline, then against the database), then write
 * batch by batch. Each batch commits its rows, their quota and their import keys together, so a
 * run killed anywhere resumes on rerun from the keys alone, and never duplicates.
 */
export class TenantImporter {
  private readonly writers: Partial<Record<CollectionName, AnyWriter>>;

  constructor(private readonly deps: ImporterDeps) {
    this.writers = { ...RECORD_WRITERS, files: deps.files } as Partial<Record<CollectionName, AnyWriter>>;
  }

  async run(opts: ImportOptions, progress: ImportProgress, hooks: ImportHooks = {}): Promise<ImportReport> {
    const report: ImportReport = {
      status: 'ok',
      dry_run: opts.dryRun,
      tenant: null,
      collections: emptyCounts(),
      batches: 0,
      password_resets: [],
      problems: [],
    };
    const exp = await validateExport(opts.path, { planNames: this.deps.plans.names(), baseDomain: this.deps.baseDomain });
    for (const c of COLLECTIONS) report.collections[c].total = exp.counts[c];
    report.problems.push(...exp.problems);
    if (exp.counts.files > 0 && !this.deps.files) {
      report.problems.push({ file: exp.reader.manifestFile, field: 'files', reason: 'this build cannot import files (no storage driver)' });
    }
    if (!exp.manifest) return { ...report, status: 'invalid' };
    const valid = exp as ValidExport;

    const { plan, problems } = await this.deps.runner.run({ role: 'cascade_platform' }, (em, tx) =>
      planImport(em, tx, valid, opts.plan, this.deps),
    );
    report.problems.push(...problems);
    if (report.problems.length > 0) return { ...report, status: 'invalid' };
    report.tenant = this.describeTenant(valid.manifest, plan);

    for (const c of COLLECTIONS) {
      report.collections[c].skipped_existing = exp.counts[c] - plan.toCreate[c];
      if (opts.dryRun) report.collections[c].created = plan.toCreate[c];
    }
    if (opts.dryRun) return { ...report, password_resets: plan.passwordResets };

    try {
      await this.write(valid, plan, opts, report, progress, hooks);
    } catch (err) {
      report.status = 'failed';
      report.error = (err as Error).message;
    } finally {
      progress.done(report.collections);
    }
    if (report.batches > 0 || plan.tenantExists) {
      report.password_resets = await this.deps.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
        await tx.actAsTenant(plan.tenantId);
        return this.deps.repo.usersNeedingReset(em, plan.tenantId);
      });
    }
    return report;
  }

  private describeTenant(m: TenantManifest, plan: ImportPlan): ImportReport['tenant'] {
    const hosts = [this.deps.baseDomain ? `${m.slug}.${this.deps.baseDomain}` : null, plan.tenantExists ? null : m.custom_domain];
    return {
      id: plan.tenantId,
      slug: m.slug,
      name: m.name,
      plan: plan.plan,
      created: !plan.tenantExists,
      resumed: plan.resuming,
      hosts: hosts.filter((h): h is string => h !== null),
    };
  }

  private async write(
    exp: ValidExport,
    plan: ImportPlan,
    opts: ImportOptions,
    report: ImportReport,
    progress: ImportProgress,
    hooks: ImportHooks,
  ) {
    const batches = this.batches(exp, plan, opts.batchSize)[Symbol.asyncIterator]();
    try {
      await this.writeBatches(batches, exp, plan, report, progress, hooks);
    } finally {
      await batches.return(undefined);
    }
  }

  private async writeBatches(
    batches: AsyncGenerator<Batch>,
    exp: ValidExport,
    plan: ImportPlan,
    report: ImportReport,
    progress: ImportProgress,
    hooks: ImportHooks,
  ): Promise<void> {
    const ctx: WriteContext = { tenantId: plan.tenantId, userIds: new Map(plan.existing.users), exportDir: exp.reader.dir };
    const runId = uuidv7();
    const counts = report.collections;
    let next = await batches.next();
    // Everything exists and the last run finished: nothing to write, not even a transaction.
    if (next.done && plan.tenantExists && !plan.resuming) return;
    for (;;) {
      const batch: Batch = next.done ? new Map() : next.value;
      next = await batches.next();
      const last = next.done === true;
      const prepared: Prepared[] = [];
      let results: [CollectionName, { created: number; skipped: number }][];
      try {
        results = await this.deps.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
          if (report.batches === 0 && !plan.tenantExists) await this.createTenant(em, tx, exp.manifest, plan);
          else await tx.actAsTenant(plan.tenantId);
          await this.deps.repo.lockTenantImport(em, plan.tenantId);
          if (report.batches === 0 && plan.tenantExists) await this.deps.repo.markImportRunning(em, plan.tenantId);
          const written: typeof results = [];
          for (const [collection, records] of batch)
            written.push([collection, await this.writeRecords(em, collection, records, ctx, prepared)]);
          if (last) await this.deps.repo.markImportCompleted(em, plan.tenantId);
          await this.deps.audit.append(em, cliEvent(plan.tenantId, 'tenant.import', runId));
          return written;
        });
      } catch (err) {
        // The batch rolled back as a whole: none of its records were written.
        for (const [collection, records] of batch) counts[collection].failed += records.length;
        throw await this.undo(prepared, ctx, err as Error);
      }
      report.batches += 1;
      if (report.batches === 1 && !plan.tenantExists)
        await this.deps.tenantCreated?.({ id: plan.tenantId, slug: exp.manifest.slug, custom_domain: exp.manifest.custom_domain });
      for (const [collection, { created, skipped }] of results) {
        counts[collection].created += created;
        counts[collection].skipped_existing += skipped;
        progress.update(collection, counts);
      }
      await hooks.afterBatch?.(report.batches);
      if (last) return;
    }
  }

  /** Removes what a rolled-back batch put outside the database; a failure to do so joins the error. */
  private async undo(prepared: Prepared[], ctx: WriteContext, cause: Error): Promise<Error> {
    for (const { writer, rows } of prepared) {
      try {
        await writer.undo?.(rows, ctx);
      } catch (err) {
        return new Error(`${cause.message} (and undoing its uploads failed: ${(err as Error).message})`);
      }
    }
    return cause;
  }

  private async createTenant(em: EntityManager, tx: ScopedTransaction, m: TenantManifest, plan: ImportPlan): Promise<void> {
    await this.deps.repo.insertTenant(em, plan.tenantId, m, plan.plan);
    await tx.actAsTenant(plan.tenantId);
    await this.deps.quotas.insertQuota(em, plan.tenantId, this.deps.plans.limits(plan.plan));
    await this.deps.repo.insertImport(em, plan.tenantId, m.external_id, m.settings);
  }

  /**
   * The records of one collection in this batch. Keys are checked again under the tenant's
   * import lock, so a concurrent run of the same export can only skip, never duplicate.
   */
  private async writeRecords(em: EntityManager, collection: CollectionName, records: AnyRecord[], ctx: WriteContext, prepared: Prepared[]) {
    const { repo, ledger } = this.deps;
    const done = await repo.findKeys(
      em,
      ctx.tenantId,
      collection,
      records.map((r) => r.external_id),
    );
    for (const [key, id] of done) if (collection === 'users') ctx.userIds.set(key, id);
    const fresh = records.filter((r) => !done.has(r.external_id));
    if (fresh.length === 0) return { created: 0, skipped: records.length };
    const wanted = fresh.map((r) => stableId(collection, r.external_id));
    const taken = await repo.takenIds(em, ctx.tenantId, collection, wanted);
    const rows: Row<CollectionName>[] = fresh.map((record, i) => ({ id: taken.has(wanted[i]) ? uuidv7() : wanted[i], record }));
    const writer = this.writers[collection];
    if (!writer) throw new Error(`No writer for ${collection}`);
    if (writer.prepare) {
      prepared.push({ writer, rows });
      await writer.prepare(rows, ctx);
    }
    const quota = writer.quota;
    if (quota) {
      const amount = rows.reduce((n, r) => n + quota.cost(r.record), 0);
      if (amount > 0) await ledger.reserve(em, ctx.tenantId, quota.resource, amount);
    }
    await writer.insert(em, rows, ctx);
    await repo.insertKeys(
      em,
      ctx.tenantId,
      collection,
      rows.map((r) => ({ external_id: r.record.external_id, internal_id: r.id })),
    );
    if (collection === 'users') for (const r of rows) ctx.userIds.set(r.record.external_id, r.id);
    return { created: rows.length, skipped: records.length - rows.length };
  }

  /** The second pass: the records still to create, grouped into batches of `batchSize`. */
  private async *batches(exp: ValidExport, plan: ImportPlan, batchSize: number): AsyncGenerator<Batch> {
    let batch: Batch = new Map();
    const problems: Problem[] = [];
    for (const collection of COLLECTIONS) {
      for await (const raw of exp.reader.records(collection)) {
        const parsed = parseRecord(raw, problems);
        if (!parsed || problems.length > 0)
          throw new Error(`The export changed since it was validated (${raw.file}, ${collection}[${raw.index}])`);
        if (plan.existing[collection].has(parsed.external_id)) continue;
        const facts = collection === 'files' ? exp.files.get(parsed.external_id) : undefined;
        const record = (facts ? completeFile(parsed as FileEntry, facts) : parsed) as AnyRecord;
        const group = batch.get(collection) ?? [];
        group.push(record);
        batch.set(collection, group);
        if (size(batch) >= batchSize) {
          yield batch;
          batch = new Map();
        }
      }
    }
    if (size(batch) > 0) yield batch;
  }
}
