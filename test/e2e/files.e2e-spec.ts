import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { uuidv7 } from '@cascade/core';
import { objectKey, ObjectStorage, StagingArea } from '@cascade/storage';
import { UploadSweeper } from '../../apps/api/src/files/upload-sweeper.service';
import { eventually } from '../support/eventually';
import { listeningPort, streamUpload } from '../support/files-upload-client';
import { S3TestServer, startS3Server } from '../support/s3-server';
import { TenantSession, TestApp } from '../support/test-app';

const MiB = 1024 * 1024;
const MAX_UPLOAD_BYTES = 12 * MiB;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The same behaviour, whichever driver holds the bytes. */
describe.each(['local', 's3'] as const)('files API (%s storage)', (driver) => {
  let t: TestApp;
  let s3: S3TestServer | undefined;
  let storage: ObjectStorage;
  let staging: StagingArea;
  let port: number;
  const storageRoot = resolve('.cascade', `test-files-${driver}-${process.pid}-${randomBytes(3).toString('hex')}`);

  beforeAll(async () => {
    if (driver === 's3') s3 = await startS3Server();
    t = await TestApp.start({ env: { STORAGE_ROOT: storageRoot, MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), ...s3?.env } });
    storage = t.app.get(ObjectStorage);
    staging = t.app.get(StagingArea);
    port = await listeningPort(t.app.getHttpServer() as Server);
    // The tests sweep by hand, when they have set the scene: no background sweep in between.
    await t.app.get(UploadSweeper).stop();
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
    await rm(storageRoot, { recursive: true, force: true });
  });

  const upload = (who: TenantSession, content: Buffer, filename = 'notes.txt', contentType = 'text/plain') =>
    t.http.post('/api/files').set(who.auth).attach('file', content, { filename, contentType });
  const usage = async (who: TenantSession) => (await t.http.get('/api/quota').set(who.auth)).body.usage.storage_bytes as number;
  const rowsOf = (tenantId: string) =>
    t.db.query<{ status: string; reserved_bytes: string }>(`SELECT status, reserved_bytes FROM cascade.files WHERE tenant_id = $1`, [
      tenantId,
    ]);
  const stagedFiles = async () => (await readdir(staging.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.part'));
  const setStorageQuota = async (who: TenantSession, bytes: number) => {
    const res = await t.http.put(`/api/tenants/${who.id}/quota`).set(t.platformAuth).send({ max_storage_bytes: bytes });
    expect(res.status).toBe(200);
  };

  /** Usage is exactly what the tenant's rows hold, and nothing unfinished or staged is left. */
  async function expectSettled(who: TenantSession, bytes: number) {
    const [row] = await t.db.query<{ used: string; held: string; unfinished: number }>(
      `SELECT q.storage_bytes_used AS used,
              (SELECT coalesce(sum(reserved_bytes), 0) FROM cascade.files f WHERE f.tenant_id = q.tenant_id) AS held,
              (SELECT count(*) FROM cascade.files f WHERE f.tenant_id = q.tenant_id AND f.status <> 'ready')::int AS unfinished
         FROM cascade.tenant_quotas q WHERE q.tenant_id = $1`,
      [who.id],
    );
    expect({ used: Number(row.used), held: Number(row.held), unfinished: row.unfinished }).toEqual({
      used: bytes,
      held: bytes,
      unfinished: 0,
    });
    expect(await usage(who)).toBe(bytes);
    expect((await stagedFiles()).filter((n) => n.startsWith(who.id))).toEqual([]);
  }

  it('stores an upload and serves its metadata, listing and bytes', async () => {
    const a = await t.createTenant();
    const content = randomBytes(70_000);
    const created = await upload(a, content, 'report.pdf', 'application/pdf');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      filename: 'report.pdf',
      size: content.length,
      content_type: 'application/pdf',
      sha256: sha256(content),
      created_at: expect.any(String),
    });
    expect(created.headers.location).toBe(`/api/files/${created.body.id}`);

    const meta = await t.http.get(`/api/files/${created.body.id}`).set(a.auth);
    expect(meta.status).toBe(200);
    expect(meta.body).toEqual(created.body);
    const list = await t.http.get('/api/files').set(a.auth);
    expect(list.body).toEqual({ items: [created.body], next_cursor: null });

    const got = await t.http
      .get(`/api/files/${created.body.id}/content`)
      .set(a.auth)
      .buffer(true)
      .parse((res, cb) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => cb(null, Buffer.concat(parts)));
      });
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, content)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-length']).toBe(String(content.length));
    expect(got.headers['etag']).toBe(`"${sha256(content)}"`);
    expect(got.headers['content-disposition']).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);

    const again = await t.http.get(`/api/files/${created.body.id}/content`).set(a.auth).set('If-None-Match', `"x", ${got.headers['etag']}`);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    expect(again.headers['etag']).toBe(got.headers['etag']);
    const changed = await t.http.get(`/api/files/${created.body.id}/content`).set(a.auth).set('If-None-Match', '"something-else"');
    expect(changed.status).toBe(200);

    expect(await storage.sizeOf(objectKey(a.id, created.body.id))).toBe(content.length);
    await expectSettled(a, content.length);
  });

  it('keeps the client filename as metadata only: the object lives at tenants/<tenant>/<id>', async () => {
    const a = await t.createTenant();
    const created = await streamUpload(port, {
      size: 1,
      headers: a.auth,
      filename: '../../../etc/Ré\\"sumé.txt',
      contentType: 'text/plain',
    });
    expect(created.status).toBe(201);
    const id = created.body?.id as string;
    expect(created.body?.filename).toBe('Ré"sumé.txt');
    expect(await storage.sizeOf(objectKey(a.id, id))).toBe(1);
    if (driver === 'local') {
      expect(await readdir(join(storageRoot, 'tenants', a.id))).toEqual([id]);
      expect((await readdir(storageRoot)).sort()).toEqual(['tenants', 'tmp']);
    }
    const got = await t.http.get(`/api/files/${id}/content`).set(a.auth);
    expect(got.headers['content-disposition']).toBe(`attachment; filename="Re'sume.txt"; filename*=UTF-8''R%C3%A9%27sum%C3%A9.txt`);
  });

  it('answers HEAD with the headers only, and a file whose bytes vanished with a 500 in the error shape', async () => {
    const a = await t.createTenant();
    const file = await upload(a, Buffer.from('twelve bytes'), 'h.txt');
    const head = await t.http.head(`/api/files/${file.body.id}/content`).set(a.auth);
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('12');
    expect(head.headers['etag']).toBe(`"${file.body.sha256}"`);
    await storage.remove(objectKey(a.id, file.body.id));
    const broken = await t.http.get(`/api/files/${file.body.id}/content`).set(a.auth);
    expect(broken.status).toBe(500);
    expect(broken.body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error' });
    expect(broken.headers['content-disposition']).toBeUndefined();
  });

  it('DELETE removes metadata and bytes and gives the usage back', async () => {
    const a = await t.createTenant();
    const kept = await upload(a, randomBytes(3000));
    const gone = await upload(a, randomBytes(5000));
    expect(await usage(a)).toBe(8000);
    const del = await t.http.delete(`/api/files/${gone.body.id}`).set(a.auth);
    expect(del.status).toBe(204);
    expect((await t.http.get(`/api/files/${gone.body.id}`).set(a.auth)).status).toBe(404);
    expect((await t.http.get(`/api/files/${gone.body.id}/content`).set(a.auth)).status).toBe(404);
    expect((await t.http.delete(`/api/files/${gone.body.id}`).set(a.auth)).status).toBe(404);
    expect(await storage.sizeOf(objectKey(a.id, gone.body.id))).toBeNull();
    expect(await storage.sizeOf(objectKey(a.id, kept.body.id))).toBe(3000);
    expect((await rowsOf(a.id)).length).toBe(1);
    await expectSettled(a, 3000);
  });

  it('audits a successful upload and delete once each, in the transaction that made the change', async () => {
    const a = await t.createTenant();
    const file = await upload(a, Buffer.from('audited'));
    expect((await t.http.delete(`/api/files/${file.body.id}`).set(a.auth)).status).toBe(204);
    const items = (await t.http.get('/api/audit?limit=100').set(a.auth)).body.items as {
      action: string;
      outcome: string;
      resource_id: string;
      actor_id: string;
    }[];
    const forFile = items
      .filter((e) => e.resource_id === file.body.id)
      .map((e) => ({ action: e.action, outcome: e.outcome, actor_id: e.actor_id }));
    expect(forFile.sort((x, y) => x.action.localeCompare(y.action))).toEqual([
      { action: 'file.create', outcome: 'success', actor_id: a.ownerId },
      { action: 'file.delete', outcome: 'success', actor_id: a.ownerId },
    ]);
  });

  it("answers 404 to another tenant's file exactly as to a missing one, and 400 to a malformed id", async () => {
    const [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
    const file = await upload(a, Buffer.from('secret of A'));
    const missing = await t.http.get(`/api/files/${uuidv7()}`).set(b.auth);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'not_found', message: 'Not found' });
    for (const [method, path] of [
      ['get', `/api/files/${file.body.id}`],
      ['get', `/api/files/${file.body.id}/content`],
      ['delete', `/api/files/${file.body.id}`],
    ] as const) {
      const res = await t.http[method](path).set(b.auth);
      expect(res.status).toBe(404);
      expect(res.body).toEqual(missing.body);
      const bad = await t.http[method](path.replace(file.body.id, 'not-a-uuid')).set(a.auth);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('validation_failed');
    }
    expect((await t.http.get('/api/files').set(b.auth)).body.items).toEqual([]);
    const stillThere = await t.http.get(`/api/files/${file.body.id}/content`).set(a.auth);
    expect(stillThere.text).toBe('secret of A');
    expect(await usage(b)).toBe(0);
  });

  it('pages the list by cursor and validates limit and cursor', async () => {
    const a = await t.createTenant();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(a, Buffer.from(`file ${i}`))).body.id);
    const first = await t.http.get('/api/files?limit=2').set(a.auth);
    expect(first.body.items.map((f: { id: string }) => f.id)).toEqual(ids.slice(0, 2));
    const second = await t.http.get(`/api/files?limit=2&cursor=${first.body.next_cursor}`).set(a.auth);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[2] })], next_cursor: null });
    for (const q of ['limit=0', 'limit=101', 'cursor=garbage']) {
      const res = await t.http.get(`/api/files?${q}`).set(a.auth);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    }
  });

  it('20 parallel 1 KiB uploads into a 10 KiB quota store exactly 10', async () => {
    const a = await t.createTenant();
    await setStorageQuota(a, 10240);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(a, randomBytes(1024), `f${i}.bin`)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    const refused = results.find((r) => r.status === 403);
    expect(refused?.body).toEqual({
      statusCode: 403,
      error: 'quota_exceeded',
      message: expect.any(String),
      resource: 'storage_bytes',
      limit: 10240,
    });
    expect((await t.http.get('/api/quota').set(a.auth)).body.usage.storage_bytes).toBe(10240);
    expect((await t.http.get('/api/files?limit=100').set(a.auth)).body.items).toHaveLength(10);
    for (const r of results.filter((x) => x.status === 201)) expect(await storage.sizeOf(objectKey(a.id, r.body.id))).toBe(1024);
    await expectSettled(a, 10240);
  });

  it('accepts a file of exactly MAX_UPLOAD_BYTES (streamed, chunked) and refuses one byte more with 413, keeping nothing', async () => {
    const a = await t.createTenant();
    const fits = await streamUpload(port, { size: MAX_UPLOAD_BYTES, headers: a.auth, chunked: true });
    expect(fits.status).toBe(201);
    expect(fits.body).toEqual(expect.objectContaining({ size: MAX_UPLOAD_BYTES, sha256: fits.sha256 }));
    const tooBig = await streamUpload(port, { size: MAX_UPLOAD_BYTES + 1, headers: a.auth });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({ statusCode: 413, error: 'payload_too_large', message: expect.any(String), limit: MAX_UPLOAD_BYTES });
    await eventually(async () => (await rowsOf(a.id)).length === 1, { timeoutMs: 10_000, what: 'the refused upload to be cleaned up' });
    await expectSettled(a, MAX_UPLOAD_BYTES);
    expect(await storage.tenantsWithObjects()).toContain(a.id);
  });

  it('refuses an upload that crosses the quota mid-stream, keeping nothing', async () => {
    const a = await t.createTenant();
    await setStorageQuota(a, 9 * MiB);
    const res = await streamUpload(port, { size: 10 * MiB, headers: a.auth });
    expect(res.status).toBe(403);
    expect(res.body?.error).toBe('quota_exceeded');
    await eventually(async () => (await rowsOf(a.id)).length === 0, { timeoutMs: 10_000, what: 'the refused upload to be cleaned up' });
    await expectSettled(a, 0);
    const small = await upload(a, randomBytes(MiB));
    expect(small.status).toBe(201);
  });

  it('reserves while bytes arrive, and a client that disconnects halfway gets everything released', async () => {
    const a = await t.createTenant();
    let abortNow: () => void = () => undefined;
    const paused = new Promise<void>((resolvePause) => {
      void streamUpload(port, {
        size: 11 * MiB,
        headers: a.auth,
        pauseAfter: 9 * MiB,
        onPause: (_resume, abort) => {
          abortNow = abort;
          resolvePause();
        },
      });
    });
    await paused;
    await eventually(async () => (await usage(a)) >= 8 * MiB, { timeoutMs: 10_000, what: 'the first reservation' });
    expect(await rowsOf(a.id)).toEqual([{ status: 'pending', reserved_bytes: String(await usage(a)) }]);
    abortNow();
    await eventually(async () => (await rowsOf(a.id)).length === 0, { timeoutMs: 10_000, what: 'the aborted upload to be cleaned up' });
    await expectSettled(a, 0);
  });

  it('the sweeper leaves live uploads alone and takes over one whose lease ran out', async () => {
    const a = await t.createTenant();
    const sweeper = t.app.get(UploadSweeper);
    let resumeUpload: () => void = () => undefined;
    let result: Promise<Awaited<ReturnType<typeof streamUpload>>> | undefined;
    await new Promise<void>((paused) => {
      result = streamUpload(port, {
        size: 10 * MiB,
        headers: a.auth,
        pauseAfter: 9 * MiB,
        onPause: (resume) => {
          resumeUpload = resume;
          paused();
        },
      });
    });
    await eventually(async () => (await usage(a)) >= 8 * MiB, { timeoutMs: 10_000, what: 'the first reservation' });
    const held = await usage(a);

    const untouched = await sweeper.sweep();
    expect(untouched.filesReaped).toBe(0);
    expect(await usage(a)).toBe(held);

    // As if the process serving it had died: its lease runs out.
    await t.db.query(`UPDATE cascade.files SET lease_expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [a.id]);
    const swept = await sweeper.sweep();
    expect(swept).toEqual(expect.objectContaining({ filesReaped: 1 }));
    expect(swept.bytesReleased).toBeGreaterThanOrEqual(held);
    expect(await rowsOf(a.id)).toEqual([]);
    await expectSettled(a, 0);

    // The upload was not dead after all: its next step finds its row gone and it stores nothing.
    resumeUpload();
    const late = await result;
    expect(late?.status).toBe(409);
    await expectSettled(a, 0);
    expect(await storage.tenantsWithObjects()).not.toContain(a.id);
  });

  it('the sweeper finishes a dead upload from its row alone: staged bytes, object and reservation', async () => {
    const a = await t.createTenant();
    const id = uuidv7();
    await t.db.query(
      `INSERT INTO cascade.files (tenant_id, id, filename, content_type, reserved_bytes, lease_expires_at)
       VALUES ($1, $2, 'dead.bin', 'application/octet-stream', 4096, now() - interval '1 minute')`,
      [a.id, id],
    );
    await t.db.query(`UPDATE cascade.tenant_quotas SET storage_bytes_used = storage_bytes_used + 4096 WHERE tenant_id = $1`, [a.id]);
    await mkdir(staging.dir, { recursive: true });
    await writeFile(staging.pathFor(a.id, id), randomBytes(4096));
    const published = join(staging.dir, `publish-${id}`);
    const bytes = randomBytes(10);
    await writeFile(published, bytes);
    await storage.putStaged(objectKey(a.id, id), {
      path: published,
      size: 10,
      sha256: sha256(bytes),
      contentType: 'application/octet-stream',
    });
    expect(await usage(a)).toBe(4096);

    const swept = await t.app.get(UploadSweeper).sweep();
    expect(swept).toEqual(expect.objectContaining({ filesReaped: 1, bytesReleased: 4096 }));
    expect(await storage.sizeOf(objectKey(a.id, id))).toBeNull();
    expect(await rowsOf(a.id)).toEqual([]);
    await expectSettled(a, 0);
  });

  it('deleting a tenant removes every stored object of it, and the sweeper purges bytes of tenants already gone', async () => {
    const [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
    const files = [await upload(a, randomBytes(100)), await upload(a, randomBytes(200))];
    const other = await upload(b, randomBytes(300));
    const del = await t.http.delete(`/api/tenants/${a.id}`).set(t.platformAuth);
    expect(del.status).toBe(204);
    for (const f of files) expect(await storage.sizeOf(objectKey(a.id, f.body.id))).toBeNull();
    expect(await storage.tenantsWithObjects()).not.toContain(a.id);
    expect(await storage.sizeOf(objectKey(b.id, other.body.id))).toBe(300);

    const ghost = uuidv7();
    const leftover = join(staging.dir, `leftover-${ghost}`);
    await mkdir(staging.dir, { recursive: true });
    await writeFile(leftover, 'left behind');
    await storage.putStaged(objectKey(ghost, uuidv7()), {
      path: leftover,
      size: 11,
      sha256: sha256(Buffer.from('left behind')),
      contentType: 'text/plain',
    });
    expect(await storage.tenantsWithObjects()).toContain(ghost);
    const swept = await t.app.get(UploadSweeper).sweep();
    expect(swept.tenantsPurged).toBeGreaterThanOrEqual(1);
    expect(await storage.tenantsWithObjects()).not.toContain(ghost);
    expect(await storage.tenantsWithObjects()).toContain(b.id);
  });

  it('refuses malformed forms with 400 validation_failed and keeps nothing', async () => {
    const a = await t.createTenant();
    const cases = [
      t.http.post('/api/files').set(a.auth).send({ file: 'not multipart' }),
      t.http.post('/api/files').set(a.auth).field('other', 'value'),
      t.http.post('/api/files').set(a.auth).field('file', 'a text field, not a file'),
      t.http.post('/api/files').set(a.auth).attach('document', Buffer.from('x'), 'x.txt'),
      t.http.post('/api/files').set(a.auth).attach('file', Buffer.from('one'), 'one.txt').attach('file', Buffer.from('two'), 'two.txt'),
      t.http
        .post('/api/files')
        .set(a.auth)
        .set('Content-Type', 'multipart/form-data; boundary=xyz')
        .send('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\ntruncated'),
    ];
    for (const res of await Promise.all(cases)) {
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error: 'validation_failed' });
    }
    await eventually(async () => (await rowsOf(a.id)).length === 0, { timeoutMs: 10_000, what: 'refused uploads to be cleaned up' });
    await expectSettled(a, 0);
    expect((await t.http.post('/api/files').attach('file', Buffer.from('x'), 'x.txt')).status).toBe(401);
  });
});
