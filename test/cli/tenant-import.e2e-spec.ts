import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '@cascade/core';
import { TestDatabase } from '../support/test-database';
import {
  cliConfig,
  copyExport,
  readManifest,
  readNdjson,
  removeAll,
  runCli,
  SAMPLE_COUNTS,
  SAMPLE_EXPORT,
  tempDir,
  tenantSnapshot,
} from './cli-harness';

const totalRecords = Object.values(SAMPLE_COUNTS).reduce((a, b) => a + b, 0);
const sampleFiles = readNdjson<{ path: string }>(join(SAMPLE_EXPORT, 'files.ndjson'));
const sampleBytes = sampleFiles.reduce((n, f) => n + readFileSync(join(SAMPLE_EXPORT, f.path)).length, 0);

describe('cascade tenants import', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let tmp: string;
  let storageRoot: string;

  beforeAll(async () => {
    db = await TestDatabase.create();
    tmp = tempDir();
    storageRoot = join(tmp, 'storage');
    config = cliConfig(db, storageRoot);
  });
  afterAll(async () => {
    await db.drop();
    removeAll(tmp);
  });

  it('imports the sample export: every record with its keys, quota usage, routing and audit, in one transaction', async () => {
    const dir = copyExport(SAMPLE_EXPORT, tmp);
    const { slug } = readManifest(dir);
    const run = await runCli(['import', dir, '--json'], config);

    expect(run.code).toBe(0);
    expect(run.json.status).toBe('ok');
    expect(run.json.batches).toBe(1);
    expect(run.json.tenant).toMatchObject({ slug, plan: 'standard', created: true, hosts: [`${slug}.cascade.test`] });
    for (const [c, n] of Object.entries(SAMPLE_COUNTS)) expect(run.json.collections[c]).toEqual({ total: n, created: n, skipped_existing: 0, failed: 0 });
    expect(run.json.password_resets).toEqual(['emma.schulz@acme-logistics.example']);

    const snap = await tenantSnapshot(db, slug);
    if (!snap) throw new Error('tenant missing');
    expect(snap.users).toHaveLength(8);
    expect(snap.workrooms).toHaveLength(6);
    expect(snap.resources).toHaveLength(300);
    expect(snap.files).toHaveLength(3);
    expect(snap.keys).toHaveLength(totalRecords);
    expect(snap.quota[0]).toMatchObject({ users_used: '8', workrooms_used: '6', storage_bytes_used: String(sampleBytes) });
    expect(snap.imports[0]).toMatchObject({ settings: readManifest(SAMPLE_EXPORT).settings });
    expect(snap.imports[0].completed_at).not.toBeNull();

    const byEmail = new Map(snap.users.map((u) => [u.email as string, u]));
    expect(byEmail.get('paul.koch@acme-logistics.example')).toBeDefined();
    expect(byEmail.get('anna.becker@acme-logistics.example')).toMatchObject({ role: 'owner' });
    expect(String(byEmail.get('anna.becker@acme-logistics.example')?.password_hash)).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(String(byEmail.get('emma.schulz@acme-logistics.example')?.password_hash)).toMatch(/^!reset\$/);

    // References and timestamps survive: the resource's creator is the user of that external_id.
    const source = readNdjson<{ external_id: string; name: string; data: unknown; created_by: string; created_at: string }>(join(dir, 'resources.ndjson'))[1];
    const keyOf = (collection: string, external: string) => snap.keys.find((k) => k.collection === collection && k.external_id === external)?.internal_id;
    const row = snap.resources.find((r) => r.id === keyOf('resources', source.external_id));
    expect(row).toMatchObject({ name: source.name, data: source.data, created_by: keyOf('users', source.created_by) });
    expect((row?.created_at as Date).toISOString()).toBe(new Date(source.created_at).toISOString());

    // File bytes went through the storage driver, under tenants/<tenant>/<file id>.
    for (const f of snap.files) {
      const bytes = readFileSync(join(storageRoot, 'tenants', snap.tenant.id, f.id as string));
      expect(f).toMatchObject({ status: 'ready', size: String(bytes.length), reserved_bytes: String(bytes.length) });
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
    }
    const audit = await db.query(`SELECT action, outcome FROM cascade.audit_events WHERE tenant_id = $1`, [snap.tenant.id]);
    expect(audit).toEqual([{ action: 'tenant.import', outcome: 'success' }]);
  });

  it('importing the same export twice creates nothing new and says so', async () => {
    const dir = copyExport(SAMPLE_EXPORT, tmp);
    const { slug } = readManifest(dir);
    expect((await runCli(['import', dir], config)).code).toBe(0);
    const before = await tenantSnapshot(db, slug);

    const again = await runCli(['import', dir], config);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Nothing new: all ${totalRecords} records were imported before.`);
    expect(again.stdout).toMatch(/resources\s+300\s+0\s+300\s+0/);
    expect(await tenantSnapshot(db, slug)).toEqual(before);

    const json = await runCli(['import', dir, '--json'], config);
    expect(json.json.tenant.created).toBe(false);
    expect(json.json.batches).toBe(0);
    for (const [c, n] of Object.entries(SAMPLE_COUNTS)) expect(json.json.collections[c]).toMatchObject({ created: 0, skipped_existing: n });
  });

  it('--dry-run validates everything and prints what would be created, touching nothing', async () => {
    const dir = copyExport(SAMPLE_EXPORT, tmp);
    const { slug } = readManifest(dir);
    const tenantsBefore = await db.query(`SELECT count(*) FROM cascade.tenants`);

    const dry = await runCli(['import', dir, '--dry-run'], config);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/collection\s+total\s+would create\s+skipped \(existing\)\s+failed/);
    expect(dry.stdout).toMatch(/resources\s+300\s+300\s+0\s+0/);
    expect(dry.stdout).toContain(`Dry run: ${totalRecords} of ${totalRecords} records would be created. Nothing was written.`);
    expect(dry.stdout).toContain('emma.schulz@acme-logistics.example');
    expect(await tenantSnapshot(db, slug)).toBeNull();
    expect(await db.query(`SELECT count(*) FROM cascade.tenants`)).toEqual(tenantsBefore);

    expect((await runCli(['import', dir], config)).code).toBe(0);
    const after = await runCli(['import', dir, '--dry-run', '--json'], config);
    expect(after.json.collections.resources).toMatchObject({ created: 0, skipped_existing: 300 });
  });

  it('rejects a broken export before any write, listing every problem with file, record, field and reason', async () => {
    const dir = join(tmp, 'broken');
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data', 'a.txt'), 'hello\n');
    writeFileSync(
      join(dir, 'tenant.json'),
      JSON.stringify({
        format_version: 1,
        external_id: 'broken-1',
        name: '',
        slug: 'Bad Slug',
        colour: 'red',
        workrooms: [
          { external_id: 'w1', name: 'Ops' },
          { external_id: 'w1', name: 'Ops again' },
        ],
      }),
    );
    const lines = (records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
    writeFileSync(
      join(dir, 'users.ndjson'),
      lines([
        { external_id: 'u1', email: 'a@x.example', role: 'owner', password_hash: 'scrypt$16384$8$1$c2FsdA$aGFzaA' },
        { external_id: 'u2', email: 'not-an-email', role: 'boss' },
        '{not json',
        { external_id: 'u1', email: 'A@x.example' },
        { external_id: 'u5', email: 'b@x.example', passwordHash: 'x' },
        { external_id: 'u6', email: 'c@x.example', password_hash: '$2b$10$abcdefghijklmnopqrstuu' },
      ]),
    );
    writeFileSync(
      join(dir, 'resources.ndjson'),
      lines([
        { external_id: 'r1', name: 'ok', created_by: 'u404' },
        { external_id: 'r2', name: 'data is a list', data: [1] },
        { external_id: 'r3', name: 'when', created_at: 'yesterday' },
      ]),
    );
    writeFileSync(
      join(dir, 'files.ndjson'),
      lines([
        { external_id: 'f1', path: '../outside.txt', filename: 'a' },
        { external_id: 'f2', path: 'missing.bin', filename: 'b' },
        { external_id: 'f3', path: 'data/a.txt', filename: 'c', sha256: '0'.repeat(64) },
        { external_id: 'f4', path: 'data/a.txt', filename: 'd', size: 999 },
      ]),
    );
    const tenantsBefore = await db.query(`SELECT count(*) FROM cascade.tenants`);

    const run = await runCli(['import', dir, '--json'], config);
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({ status: 'invalid', tenant: null, batches: 0 });
    expect(run.json.collections.users.total).toBe(6);
    const found = run.json.problems.map((p: Record<string, unknown>) => [p.file, p.line ?? null, p.index ?? null, p.field ?? null]);
    expect(found).toEqual([
      ['tenant.json', null, null, 'colour'],
      ['tenant.json', null, null, 'name'],
      ['tenant.json', null, null, 'slug'],
      ['users.ndjson', 1, 0, 'password_hash'],
      ['users.ndjson', 2, 1, 'email'],
      ['users.ndjson', 2, 1, 'role'],
      ['users.ndjson', 3, 2, null],
      ['users.ndjson', 4, 3, 'external_id'],
      ['users.ndjson', 5, 4, 'passwordHash'],
      ['users.ndjson', 6, 5, 'password_hash'],
      ['tenant.json', null, 1, 'external_id'],
      ['resources.ndjson', 1, 0, 'created_by'],
      ['resources.ndjson', 2, 1, 'data'],
      ['resources.ndjson', 3, 2, 'created_at'],
      ['files.ndjson', 1, 0, 'path'],
      ['files.ndjson', 2, 1, 'path'],
      ['files.ndjson', 3, 2, 'sha256'],
      ['files.ndjson', 4, 3, 'size'],
    ]);
    const reasons = run.json.problems.map((p: { reason: string }) => p.reason).join('\n');
    expect(reasons).toMatch(/bcrypt hashes are not supported/);
    expect(reasons).toMatch(/must stay inside the export directory/);
    expect(reasons).toMatch(/names no user of this export \(u404\)/);

    const text = await runCli(['import', dir], config);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('The export cannot be imported: 18 problems. Nothing was written.');
    expect(text.stdout).toContain('users.ndjson:2 users[1].email: must be a valid email address');
    expect(await db.query(`SELECT count(*) FROM cascade.tenants`)).toEqual(tenantsBefore);
  });

  it('reports quota overflow and a disallowed custom domain up front, with the plan that fits', async () => {
    const small = copyExport(SAMPLE_EXPORT, tmp, { plan: 'free' });
    const refused = await runCli(['import', small, '--json'], config);
    expect(refused.code).toBe(1);
    expect(refused.json.problems.map((p: { reason: string }) => p.reason)).toEqual([
      '8 new users exceed max_users 5 of plan "free"; import with --plan standard',
      '6 new workrooms exceed max_workrooms 3 of plan "free"; import with --plan standard',
    ]);
    expect(await tenantSnapshot(db, readManifest(small).slug)).toBeNull();
    expect((await runCli(['import', small, '--plan', 'standard'], config)).code).toBe(0);

    const domain = copyExport(SAMPLE_EXPORT, tmp, { custom_domain: 'portal.acme-quota.example' });
    const noDomain = await runCli(['import', domain, '--json'], config);
    expect(noDomain.code).toBe(1);
    expect(noDomain.json.problems).toEqual([
      { file: 'tenant.json', field: 'custom_domain', reason: 'plan "standard" does not allow custom domains; import with --plan enterprise' },
    ]);
  });

  it('refuses a slug that belongs to a tenant not made from this export', async () => {
    const first = copyExport(SAMPLE_EXPORT, tmp);
    expect((await runCli(['import', first], config)).code).toBe(0);
    const other = copyExport(SAMPLE_EXPORT, tmp, { slug: readManifest(first).slug, external_id: 'someone-else' });
    const run = await runCli(['import', other, '--json'], config);
    expect(run.code).toBe(1);
    expect(run.json.problems[0]).toMatchObject({ field: 'slug', reason: expect.stringContaining(`an import of external_id "${readManifest(first).external_id}"`) });
  });

  it('a run killed halfway resumes on rerun and finishes without duplicates', async () => {
    const dir = copyExport(SAMPLE_EXPORT, tmp);
    const { slug } = readManifest(dir);
    const crash = new Error('killed after batch 3');
    const killed = await runCli(['import', dir, '--batch-size', '50', '--json'], config, {
      afterBatch: (n) => {
        if (n === 3) throw crash;
      },
    });
    expect(killed.code).toBe(2);
    expect(killed.json).toMatchObject({ status: 'failed', error: crash.message, batches: 3 });
    const half = await tenantSnapshot(db, slug);
    if (!half) throw new Error('tenant missing');
    expect(half.users.length + half.workrooms.length + half.resources.length).toBe(150);
    expect(half.keys).toHaveLength(150);
    expect(half.imports[0].completed_at).toBeNull();
    expect(half.quota[0]).toMatchObject({ users_used: '8', workrooms_used: '6' });

    const resumed = await runCli(['import', dir, '--batch-size', '50', '--json'], config);
    expect(resumed.code).toBe(0);
    expect(resumed.json.tenant).toMatchObject({ created: false, resumed: true });
    expect(resumed.json.collections.resources).toEqual({ total: 300, created: 164, skipped_existing: 136, failed: 0 });
    expect(resumed.json.collections.files).toEqual({ total: 3, created: 3, skipped_existing: 0, failed: 0 });

    const done = await tenantSnapshot(db, slug);
    if (!done) throw new Error('tenant missing');
    expect([done.users.length, done.workrooms.length, done.resources.length, done.files.length]).toEqual([8, 6, 300, 3]);
    expect(new Set(done.keys.map((k) => `${k.collection}:${k.external_id}`)).size).toBe(totalRecords);
    expect(done.quota[0]).toMatchObject({ users_used: '8', workrooms_used: '6', storage_bytes_used: String(sampleBytes) });
    expect(done.imports[0].completed_at).not.toBeNull();
  });
});
