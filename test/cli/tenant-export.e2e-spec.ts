import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppConfig } from '@cascade/core';
import { TestDatabase } from '../support/test-database';
import { cliConfig, copyExport, readManifest, readNdjson, removeAll, runCli, SAMPLE_COUNTS, SAMPLE_EXPORT, tempDir, tenantSnapshot } from './cli-harness';

/** Every file under a directory, by relative path, with its bytes. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

type Rec = Record<string, unknown> & { external_id: string };
const byKey = (records: Rec[]) => new Map(records.map((r) => [r.external_id, r]));
const instant = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

describe('cascade tenants export', () => {
  let first: TestDatabase;
  let fresh: TestDatabase;
  let tmp: string;
  let config1: AppConfig;
  let config2: AppConfig;

  beforeAll(async () => {
    [first, fresh] = await Promise.all([TestDatabase.create(), TestDatabase.create()]);
    tmp = tempDir();
    config1 = cliConfig(first, join(tmp, 'storage-1'));
    config2 = cliConfig(fresh, join(tmp, 'storage-2'));
  });
  afterAll(async () => {
    await Promise.all([first.drop(), fresh.drop()]);
    removeAll(tmp);
  });

  it('export → import into a fresh database → export round-trips equal, ids included', async () => {
    const source = copyExport(SAMPLE_EXPORT, tmp);
    const { slug } = readManifest(source);
    expect((await runCli(['import', source], config1)).code).toBe(0);

    const x = join(tmp, 'x');
    const exported = await runCli(['export', slug, '--out', x, '--json'], config1);
    expect(exported.code).toBe(0);
    expect(exported.json.collections).toEqual(SAMPLE_COUNTS);
    expect((await runCli(['import', x], config2)).code).toBe(0);
    const tenant = (await tenantSnapshot(fresh, slug))?.tenant;
    const y = join(tmp, 'y');
    expect((await runCli(['export', tenant?.id as string, '--out', y], config2)).code).toBe(0);

    // Byte for byte: manifest, every collection, every file's bytes.
    expect(tree(y)).toEqual(tree(x));
    const [a, b] = [await tenantSnapshot(first, slug), await tenantSnapshot(fresh, slug)];
    const comparable = (s: typeof a) => ({ ...s, imports: s?.imports.map(({ completed_at: _, ...rest }) => rest), users: s?.users.map(({ password_hash, ...u }) => ({ ...u, hash: String(password_hash).startsWith('!reset$') ? 'reset' : password_hash })) });
    expect(comparable(b)).toEqual(comparable(a));
  });

  it('exports everything the customer gave, under the customer’s keys', async () => {
    const source = copyExport(SAMPLE_EXPORT, tmp);
    const manifest = readManifest(source);
    expect((await runCli(['import', source], config1)).code).toBe(0);
    const out = join(tmp, `out-${manifest.slug}`);
    expect((await runCli(['export', manifest.slug, '--out', out], config1)).code).toBe(0);

    const { workrooms: inlineWorkrooms, ...expectedManifest } = manifest;
    expect(readManifest(out)).toEqual({ ...expectedManifest, status: 'active' });

    const users = byKey(readNdjson<Rec>(join(out, 'users.ndjson')));
    for (const u of readNdjson<Rec>(join(source, 'users.ndjson'))) {
      expect(users.get(u.external_id)).toEqual({
        external_id: u.external_id,
        email: String(u.email).toLowerCase(),
        role: u.role,
        password_hash: u.password_hash,
        created_at: instant(u.created_at),
        updated_at: instant(u.created_at),
      });
    }
    const workrooms = byKey(readNdjson<Rec>(join(out, 'workrooms.ndjson')));
    for (const w of inlineWorkrooms as Rec[]) expect(workrooms.get(w.external_id)).toEqual({ ...w, created_at: instant(w.created_at) });
    const resources = byKey(readNdjson<Rec>(join(out, 'resources.ndjson')));
    for (const r of readNdjson<Rec>(join(source, 'resources.ndjson'))) {
      expect(resources.get(r.external_id)).toEqual({ ...r, created_at: instant(r.created_at), updated_at: instant(r.updated_at) });
    }
    const files = readNdjson<Rec>(join(out, 'files.ndjson'));
    const given = byKey(readNdjson<Rec>(join(source, 'files.ndjson')));
    expect(files).toHaveLength(3);
    for (const f of files) {
      const original = given.get(f.external_id) as Rec;
      expect(f).toMatchObject({ filename: original.filename, content_type: original.content_type, created_by: original.created_by });
      expect(readFileSync(join(out, f.path as string))).toEqual(readFileSync(join(source, original.path as string)));
    }
  });

  it('exports a tenant made through the API under its own ids, which an import into a fresh database keeps', async () => {
    const [tenantId, userId, resourceId] = ['01a21bb1-0000-7000-8000-0000000000c1', '01a21bb1-0000-7000-8000-0000000000c2', '01a21bb1-0000-7000-8000-0000000000c3'];
    const slug = `native-${tenantId.slice(-4)}`;
    await first.query(`INSERT INTO cascade.tenants (id, slug, name, plan) VALUES ($1, $2, 'Native', 'standard')`, [tenantId, slug]);
    await first.query(
      `INSERT INTO cascade.tenant_quotas (tenant_id, max_users, max_storage_bytes, max_api_calls_per_minute, max_concurrent_requests, max_workrooms, users_used)
       VALUES ($1, 100, 1000000, 1000, 100, 50, 1)`,
      [tenantId],
    );
    await first.query(`INSERT INTO cascade.users (tenant_id, id, email, password_hash, role) VALUES ($1, $2, 'own@native.example', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$' || $3, 'owner')`, [
      tenantId,
      userId,
      Buffer.alloc(32, 7).toString('base64url'),
    ]);
    await first.query(`INSERT INTO cascade.resources (tenant_id, id, name, data, created_by) VALUES ($1, $2, 'Native row', '{"a":1}', $3)`, [tenantId, resourceId, userId]);

    const out = join(tmp, 'native');
    expect((await runCli(['export', slug, '--out', out], config1)).code).toBe(0);
    expect(readManifest(out)).toEqual({ format_version: 1, external_id: tenantId, name: 'Native', slug, plan: 'standard', status: 'active', custom_domain: null, settings: {} });
    expect(readNdjson<Rec>(join(out, 'resources.ndjson'))).toEqual([
      expect.objectContaining({ external_id: resourceId, name: 'Native row', data: { a: 1 }, created_by: userId }),
    ]);

    expect((await runCli(['import', out], config2)).code).toBe(0);
    const copy = await tenantSnapshot(fresh, slug);
    expect(copy?.tenant.id).toBe(tenantId);
    expect(copy?.users.map((u) => u.id)).toEqual([userId]);
    expect(copy?.resources.map((r) => [r.id, r.created_by])).toEqual([[resourceId, userId]]);
  });

  it('never writes into a directory that is not empty, and names an unknown tenant', async () => {
    const busy = join(tmp, 'busy');
    mkdirSync(busy);
    writeFileSync(join(busy, 'keep.txt'), 'mine');
    const refused = await runCli(['export', 'no-such-tenant', '--out', busy], config1);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('is not empty');
    expect(readdirSync(busy)).toEqual(['keep.txt']);

    const unknown = await runCli(['export', 'no-such-tenant', '--out', join(tmp, 'nothing')], config1);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('No tenant with id or slug "no-such-tenant"');
  });
});
