import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppConfig, parseEnv } from '@cascade/core';
import { runCitusCommand } from '../../apps/cli/src/citus/citus.command';
import { ImportHooks } from '../../apps/cli/src/tenants/import/tenant-importer';
import { runTenantsCommand } from '../../apps/cli/src/tenants/tenants.command';
import { TestDatabase } from '../support/test-database';

export const SAMPLE_EXPORT = resolve(__dirname, '../fixtures/sample-export');
export const BASE_DOMAIN = 'cascade.test';

/** The counts of the sample export (test/fixtures/generate-sample-export.js). */
export const SAMPLE_COUNTS = { users: 8, workrooms: 6, resources: 300, files: 3 };

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed, when the run used --json. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The CLI's config for a test database: the app login role, files under the test's own storage root. */
export function cliConfig(db: TestDatabase, storageRoot: string, env: Record<string, string> = {}): AppConfig {
  const parsed = parseEnv({
    NODE_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('hex'),
    DATABASE_URL: db.appUrl,
    STORAGE_ROOT: storageRoot,
    BASE_DOMAIN,
    LOG_LEVEL: 'error',
    ...env,
  });
  return { ...parsed, jwtSecret: parsed.jwtSecret as string };
}

/** `cascade tenants …` in process, with stdout and stderr captured. */
export async function runCli(args: string[], config: AppConfig, hooks?: ImportHooks): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t), isTTY: false } };
  const code = await runTenantsCommand(args, { config, io, hooks });
  return { code, stdout, stderr, json: args.includes('--json') ? JSON.parse(stdout) : undefined };
}

/** `cascade citus …` in process, as the superuser `adminUrl` (DATABASE_ADMIN_URL), output captured. */
export async function runCitusCli(args: string[], db: TestDatabase, adminUrl = db.adminUrl): Promise<Omit<CliRun, 'json'>> {
  let stdout = '';
  let stderr = '';
  const config = cliConfig(db, `.cascade/test-storage/${db.name}`, { DATABASE_ADMIN_URL: adminUrl });
  const code = await runCitusCommand(args, config, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  });
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'cascade-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const freshSlug = () => `acme-${randomBytes(4).toString('hex')}`;

/**
 * A copy of an export with tenant.json changed (a fresh slug and external_id by default), so
 * every test imports a tenant of its own.
 */
export function copyExport(from: string, into: string, changes: Record<string, unknown> = {}): string {
  const dir = join(into, `export-${randomBytes(4).toString('hex')}`);
  cpSync(from, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'tenant.json'), 'utf8'));
  Object.assign(manifest, { slug: freshSlug(), external_id: `legacy-${randomBytes(4).toString('hex')}` }, changes);
  writeFileSync(join(dir, 'tenant.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

export function readManifest(dir: string): { slug: string; external_id: string } & Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'tenant.json'), 'utf8'));
}

export function readNdjson<T = Record<string, unknown>>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export function removeAll(...paths: string[]): void {
  for (const p of paths) rmSync(p, { recursive: true, force: true });
}

/** Everything a tenant has, as the superuser sees it (row order fixed), to compare before/after. */
export async function tenantSnapshot(db: TestDatabase, slug: string) {
  const [tenant] = await db.query<{ id: string }>(`SELECT id, slug, name, plan, status, custom_domain FROM cascade.tenants WHERE slug = $1`, [slug]);
  if (!tenant) return null;
  const of = (table: string, columns: string) =>
    db.query(`SELECT ${columns} FROM cascade.${table} WHERE tenant_id = $1 ORDER BY 1, 2`, [tenant.id]);
  return {
    tenant,
    quota: await of('tenant_quotas', 'users_used, workrooms_used, storage_bytes_used, max_users, max_workrooms'),
    users: await of('users', 'id, email, role, password_hash, created_at, updated_at'),
    workrooms: await of('workrooms', 'id, name, created_by, created_at'),
    resources: await of('resources', 'id, name, data, created_by, created_at, updated_at'),
    files: await of('files', 'id, filename, content_type, size, sha256, status, reserved_bytes, created_by, created_at'),
    keys: await of('import_keys', 'collection, external_id, internal_id'),
    imports: await of('tenant_imports', 'external_id, settings, completed_at'),
  };
}
