import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { AuditRepository } from '@cascade/audit';
import { isSupportedHash } from '@cascade/auth';
import { uuidv7 } from '@cascade/core';
import { TransactionRunner } from '@cascade/database';
import { MeteredCopy, ObjectStorage, objectKey } from '@cascade/storage';
import { AnyRecord, COLLECTIONS, CollectionName, FORMAT_VERSION, MANIFEST_FILE, ndjsonFile, TenantManifest } from '../format/export-format';
import { ImportRepository } from '../import/import.repository';
import { cliEvent } from '../import/tenant-importer';
import { ExportRepository, KeyedRow, TenantRow } from './export.repository';

export interface ExportOptions {
  /** Tenant id or slug. */
  tenant: string;
  out: string;
  pageSize?: number;
}

export interface ExportReport {
  status: 'ok' | 'invalid' | 'failed';
  tenant: { id: string; slug: string; name: string } | null;
  out: string;
  collections: Record<CollectionName, number>;
  file_bytes: number;
  error?: string;
}

export interface ExportProgress {
  update(collection: CollectionName, done: number, total: number): void;
  done(): void;
}

export interface ExporterDeps {
  runner: TransactionRunner;
  audit: AuditRepository;
  storage?: ObjectStorage;
}

const FILES_DIR = 'files';
/** A timestamp column as ISO-8601 UTC; null stays null. */
function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return (v instanceof Date ? v : new Date(String(v))).toISOString();
}

/**
 * `cascade tenants export`: the tenant in the import format (docs/onboarding.md), so that
 * importing the result into a fresh database gives the same tenant back: users with their
 * password hashes, every collection under its original external_id, files with their bytes.
 * It is written to `<out>.partial-<pid>` and renamed into place only when complete.
 */
export class TenantExporter {
  private readonly repo = new ExportRepository();
  private readonly imports = new ImportRepository();

  constructor(private readonly deps: ExporterDeps) {}

  async run(opts: ExportOptions, progress: ExportProgress): Promise<ExportReport> {
    const out = resolve(opts.out);
    const report: ExportReport = { status: 'ok', tenant: null, out, collections: zeroCounts(), file_bytes: 0 };
    const refusal = await outRefusal(out);
    if (refusal) return { ...report, status: 'invalid', error: refusal };
    const found = await this.deps.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
      const tenant = await this.repo.findTenant(em, opts.tenant);
      if (!tenant) return null;
      await tx.actAsTenant(tenant.id);
      const origin = await this.imports.findImport(em, tenant.id);
      const totals = zeroCounts();
      for (const c of COLLECTIONS) totals[c] = await this.repo.count(em, tenant.id, c);
      return { tenant, origin, totals };
    });
    if (!found) return { ...report, status: 'invalid', error: `No tenant with id or slug "${opts.tenant}"` };
    const { tenant, origin, totals } = found;
    report.tenant = { id: tenant.id, slug: tenant.slug, name: tenant.name };
    if (totals.files > 0 && !this.deps.storage) return { ...report, status: 'failed', error: 'No storage driver to read file bytes from' };

    const partial = `${out}.partial-${process.pid}`;
    try {
      await mkdir(partial, { recursive: true, mode: 0o700 });
      const userKeys = new Map<string, string>();
      for (const collection of COLLECTIONS) {
        const writer = new NdjsonWriter(join(partial, ndjsonFile(collection)));
        try {
          await this.eachPage(tenant, collection, opts.pageSize ?? 1000, async (rows) => {
            for (const row of rows) {
              if (collection === 'users') userKeys.set(row.id, row.external_id ?? row.id);
              if (collection === 'files') report.file_bytes += await this.copyBytes(tenant.id, row, partial);
              await writer.write(toRecord(collection, row, userKeys));
            }
            report.collections[collection] += rows.length;
            progress.update(collection, report.collections[collection], Math.max(totals[collection], report.collections[collection]));
          });
        } finally {
          await writer.close();
        }
      }
      const manifest: TenantManifest = {
        format_version: FORMAT_VERSION,
        external_id: origin?.external_id ?? tenant.id,
        name: tenant.name,
        slug: tenant.slug,
        plan: tenant.plan,
        status: tenant.status,
        custom_domain: tenant.custom_domain,
        settings: origin?.settings ?? {},
      };
      await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
      await rmdir(out).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      await rename(partial, out);
      await this.deps.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
        await tx.actAsTenant(tenant.id);
        await this.deps.audit.append(em, cliEvent(tenant.id, 'tenant.export', uuidv7()));
      });
      return report;
    } catch (err) {
      await rm(partial, { recursive: true, force: true });
      return { ...report, status: 'failed', error: (err as Error).message };
    } finally {
      progress.done();
    }
  }

  /** Pages in id order, each in its own short transaction (an export may be long; requests go on). */
  private async eachPage(tenant: TenantRow, collection: CollectionName, pageSize: number, visit: (rows: KeyedRow[]) => Promise<void>) {
    let after: string | null = null;
    for (;;) {
      const rows: KeyedRow[] = await this.deps.runner.run({ role: 'cascade_platform' }, async (em, tx) => {
        await tx.actAsTenant(tenant.id);
        return this.repo.page(em, tenant.id, collection, after, pageSize);
      });
      if (rows.length > 0) await visit(rows);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].id;
    }
  }

  /** The object's bytes to `files/<id>`, checked against the size and sha256 the row recorded. */
  private async copyBytes(tenantId: string, row: KeyedRow, dir: string): Promise<number> {
    const storage = this.deps.storage as ObjectStorage;
    await mkdir(join(dir, FILES_DIR), { recursive: true, mode: 0o700 });
    const meter = new MeteredCopy();
    await pipeline(
      await storage.open(objectKey(tenantId, row.id)),
      meter,
      createWriteStream(join(dir, FILES_DIR, row.id), { flags: 'wx', mode: 0o600 }),
    );
    if (meter.size !== Number(row.size) || meter.digest() !== row.sha256)
      throw new Error(`The stored bytes of file ${row.id} do not match its size and sha256`);
    return meter.size;
  }
}

function toRecord(collection: CollectionName, row: KeyedRow, userKeys: Map<string, string>): AnyRecord {
  const external_id = row.external_id ?? row.id;
  const created_by = row.created_by ? (userKeys.get(row.created_by as string) ?? null) : null;
  switch (collection) {
    case 'users': {
      const hash = row.password_hash as string;
      return {
        external_id,
        email: row.email as string,
        role: row.role as 'member',
        password_hash: isSupportedHash(hash) ? hash : null,
        created_at: iso(row.created_at),
        updated_at: iso(row.updated_at),
      };
    }
    case 'workrooms':
      return { external_id, name: row.name as string, created_by, created_at: iso(row.created_at) };
    case 'resources':
      return {
        external_id,
        name: row.name as string,
        data: row.data as Record<string, unknown>,
        created_by,
        created_at: iso(row.created_at),
        updated_at: iso(row.updated_at),
      };
    case 'files':
      return {
        external_id,
        path: `${FILES_DIR}/${row.id}`,
        filename: row.filename as string,
        content_type: row.content_type as string,
        size: Number(row.size),
        sha256: row.sha256 as string,
        created_by,
        created_at: iso(row.created_at),
      };
  }
}

function zeroCounts(): Record<CollectionName, number> {
  return Object.fromEntries(COLLECTIONS.map((c) => [c, 0])) as Record<CollectionName, number>;
}

/** An export never overwrites anything: `out` must not exist, or be an empty directory. */
async function outRefusal(out: string): Promise<string | null> {
  const info = await stat(out).catch(() => null);
  if (!info) return null;
  if (!info.isDirectory()) return `${out} exists and is not a directory`;
  return (await readdir(out)).length > 0 ? `${out} is not empty; choose a new directory` : null;
}

/** One JSON object per line, with backpressure. */
class NdjsonWriter {
  private readonly stream: WriteStream;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  }

  async write(value: unknown): Promise<void> {
    if (!this.stream.write(`${JSON.stringify(value)}\n`)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}
