import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { parseArgs } from './command-args';
import { TenantExporter } from './export/tenant-exporter';
import { COLLECTIONS, CollectionName } from './format/export-format';
import { CollectionCounts, exitCode } from './import/import-report';
import { ImportHooks, ImportProgress, TenantImporter } from './import/tenant-importer';
import { ProgressRenderer, ProgressState, ProgressStream } from './output/progress-renderer';
import { exportReportText, importReportText } from './output/report-text';
import { TenantTransferModule } from './tenant-transfer.module';

export const TENANTS_USAGE = `  tenants import <dir|tenant.json> [--dry-run] [--batch-size N] [--plan P] [--json]
                                   import a customer export (format: docs/onboarding.md)
  tenants export <tenant id|slug> --out DIR [--json]
                                   write a tenant in the same format
`;

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

export interface TenantsCommandOptions {
  config: AppConfig;
  io?: CommandIo;
  /** Tests: stop a run after a given batch, as a crash would. */
  hooks?: ImportHooks;
}

const DEFAULT_BATCH_SIZE = 1000;
type Mode = 'quiet' | undefined;

/** `cascade tenants import|export …`. Exit codes: 0 ok, 1 usage or invalid export, 2 runtime failure. */
export async function runTenantsCommand(args: string[], opts: TenantsCommandOptions): Promise<number> {
  const io = opts.io ?? { stdout: process.stdout, stderr: process.stderr };
  const [sub, ...rest] = args;
  const parsed =
    sub === 'import'
      ? parseArgs(rest, { flags: ['--dry-run', '--json'], values: ['--batch-size', '--plan'] })
      : parseArgs(rest, { flags: ['--json'], values: ['--out'] });
  const batchSize = Number(parsed.values.get('--batch-size') ?? DEFAULT_BATCH_SIZE);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) parsed.errors.push('--batch-size must be a whole number >= 1');
  if (sub === 'export' && !parsed.values.has('--out')) parsed.errors.push('--out DIR is required');
  if ((sub !== 'import' && sub !== 'export') || parsed.positional.length !== 1 || parsed.errors.length > 0) {
    io.stderr.write(`${parsed.errors.map((e) => `${e}\n`).join('')}usage:\n${TENANTS_USAGE}`);
    return 1;
  }
  if (!opts.config.databaseUrl) {
    io.stderr.write('tenants needs DATABASE_URL (the app login role, which switches into cascade_platform)\n');
    return 1;
  }
  const json = parsed.flags.has('--json');
  const mode: Mode = json ? 'quiet' : undefined;
  const app = await NestFactory.createApplicationContext(TenantTransferModule.register({ ...opts.config, dbPoolSize: 2 }), {
    logger: false,
    abortOnError: false,
  });
  try {
    await assertMigrated(app);
    const report =
      sub === 'export'
        ? await app
            .get(TenantExporter)
            .run({ tenant: parsed.positional[0], out: parsed.values.get('--out') as string }, exportProgress(io.stderr, mode))
        : await app
            .get(TenantImporter)
            .run(
              { path: parsed.positional[0], dryRun: parsed.flags.has('--dry-run'), batchSize, plan: parsed.values.get('--plan') },
              importProgress(io.stderr, mode),
              opts.hooks,
            );
    const text = 'dry_run' in report ? importReportText(report) : exportReportText(report);
    io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${text}\n`);
    return exitCode(report);
  } finally {
    await app.close();
  }
}

async function assertMigrated(app: INestApplicationContext): Promise<void> {
  const [{ ready }] = await app
    .get(TransactionRunner)
    .run({ role: 'cascade_platform' }, (em) => em.query(`SELECT to_regclass('cascade.import_keys') IS NOT NULL AS ready`));
  if (!ready) throw new Error('The database has no table cascade.import_keys: apply the migrations first (cascade migrate)');
}

function renderer(stderr: ProgressStream, mode: Mode) {
  const state = new Map<string, ProgressState>();
  const view = new ProgressRenderer(stderr, COLLECTIONS, (c) => state.get(c) ?? { done: 0, total: 0 }, mode);
  return { state, view };
}

function importProgress(stderr: ProgressStream, mode: Mode): ImportProgress {
  const { state, view } = renderer(stderr, mode);
  const track = (all: Record<CollectionName, CollectionCounts>) => {
    for (const [c, n] of Object.entries(all)) state.set(c, { done: n.created + n.skipped_existing + n.failed, total: n.total });
  };
  return {
    update: (c, all) => {
      track(all);
      view.update(c);
    },
    done: (all) => {
      track(all);
      view.done();
    },
  };
}

function exportProgress(stderr: ProgressStream, mode: Mode) {
  const { state, view } = renderer(stderr, mode);
  return {
    update: (c: CollectionName, done: number, total: number) => {
      state.set(c, { done, total });
      view.update(c);
    },
    done: () => view.done(),
  };
}
