import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { Client } from 'pg';
import { IdempotencyKeySweeper } from '@cascade/idempotency';
import { listeningPort, streamUpload } from '../support/files-upload-client';
import { eventually } from '../support/eventually';
import { describeWithRedis, twoReplicas } from '../support/replicas';
import { TenantSession, TestApp } from '../support/test-app';

const HOUR = 3600_000;
const newKey = () => `key-${randomBytes(8).toString('hex')}`;

/** Idempotency-Key on creating POSTs (contract: "Retries are safe"), on two replicas of one database. */
describeWithRedis('Idempotency-Key', () => {
  const { pair } = twoReplicas();
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    ({ one, two } = pair);
    // The expiry test drives the sweeps itself.
    await one.app.get(IdempotencyKeySweeper).stop();
    await two.app.get(IdempotencyKeySweeper).stop();
  });

  const resourcesNamed = async (tenantId: string, name: string) =>
    (
      await one.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM cascade.resources WHERE tenant_id = $1 AND name = $2`, [
        tenantId,
        name,
      ])
    )[0].n;
  const keyRows = async (key: string) =>
    one.db.query<{ tenant_id: string; state: string }>(
      `SELECT tenant_id, state FROM cascade.idempotency_keys WHERE key = $1 ORDER BY tenant_id`,
      [key],
    );
  const createResource = (app: TestApp, who: TenantSession, key: string, body: object) =>
    app.http.post('/api/resources').set(who.auth).set('Idempotency-Key', key).send(body);

  it('replays the first answer (status, exact body, Idempotent-Replayed) and creates nothing twice', async () => {
    const a = await one.createTenant();
    const key = newKey();
    const name = `r-${key}`;
    const first = await createResource(one, a, key, { name, data: { b: 1, a: [1, 2] } });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // The same request with its keys in another order, on the other replica.
    const again = await createResource(two, a, key, { data: { a: [1, 2], b: 1 }, name });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await resourcesNamed(a.id, name)).toBe(1);
    expect(await keyRows(key)).toEqual([{ tenant_id: a.id, state: 'completed' }]);
    // One change, one audit event: the replay changed nothing and is not recorded as a creation.
    const events = await one.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM cascade.audit_events WHERE tenant_id = $1 AND action = 'resource.create' AND resource_id = $2`,
      [a.id, first.body.id],
    );
    expect(events[0].n).toBe(1);
  });

  it('answers 422 idempotency_key_reused for the same key with another body or another route', async () => {
    const a = await one.createTenant();
    const key = newKey();
    expect((await createResource(one, a, key, { name: 'first' })).status).toBe(201);
    const other = await createResource(one, a, key, { name: 'second' });
    expect(other.status).toBe(422);
    expect(other.body).toEqual({ statusCode: 422, error: 'idempotency_key_reused', message: expect.any(String) });
    const otherRoute = await one.http.post('/api/workrooms').set(a.auth).set('Idempotency-Key', key).send({ name: 'first' });
    expect(otherRoute.status).toBe(422);
    expect(await resourcesNamed(a.id, 'second')).toBe(0);
    expect((await one.http.get('/api/workrooms').set(a.auth)).body.items).toEqual([]);
  });

  it('refuses a malformed key with 400 validation_failed', async () => {
    const a = await one.createTenant();
    for (const bad of ['', 'k'.repeat(256), 'schl\u00fcssel']) {
      const res = await createResource(one, a, bad, { name: 'never' });
      expect({ bad, status: res.status, error: res.body.error }).toEqual({ bad, status: 400, error: 'validation_failed' });
    }
    expect(await createResource(one, a, 'k'.repeat(255), { name: 'longest' }).then((r) => r.status)).toBe(201);
    expect(await resourcesNamed(a.id, 'never')).toBe(0);
  });

  it('keys belong to the tenant: the same key in two tenants is two keys', async () => {
    const [a, b] = await Promise.all([one.createTenant(), one.createTenant()]);
    const key = newKey();
    const ra = await createResource(one, a, key, { name: 'shared-name' });
    const rb = await createResource(two, b, key, { name: 'shared-name' });
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(rb.headers['idempotent-replayed']).toBeUndefined();
    expect(rb.body.id).not.toBe(ra.body.id);
    expect(await resourcesNamed(a.id, 'shared-name')).toBe(1);
    expect(await resourcesNamed(b.id, 'shared-name')).toBe(1);
    expect((await keyRows(key)).map((r) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
    // B's retry replays B's answer, never A's.
    const retryB = await createResource(one, b, key, { name: 'shared-name' });
    expect(retryB.headers['idempotent-replayed']).toBe('true');
    expect(retryB.body.id).toBe(rb.body.id);
    // A deleted tenant's keys go with its other rows.
    expect((await one.http.delete(`/api/tenants/${a.id}`).set(one.platformAuth)).status).toBe(204);
    expect((await keyRows(key)).map((r) => r.tenant_id)).toEqual([b.id]);
  });

  it('does not remember a failed request: a retry with the same key after a 400 or a 403 goes through', async () => {
    const a = await one.createTenant();
    const key = newKey();
    expect((await createResource(one, a, key, { name: 5 })).status).toBe(400);
    expect(await keyRows(key)).toEqual([]);
    const fixed = await createResource(one, a, key, { name: 'fixed' });
    expect(fixed.status).toBe(201);
    expect(fixed.headers['idempotent-replayed']).toBeUndefined();

    // Quota: the owner fills max_users = 1; raising it lets the same request with the same key through.
    const quota = (n: number) => one.http.put(`/api/tenants/${a.id}/quota`).set(one.platformAuth).send({ max_users: n });
    expect((await quota(1)).status).toBe(200);
    const userKey = newKey();
    const user = { email: `u-${userKey}@x.test`, password: 'a-long-password-1' };
    const refused = await one.http.post('/api/users').set(a.auth).set('Idempotency-Key', userKey).send(user);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('quota_exceeded');
    expect((await quota(5)).status).toBe(200);
    const created = await two.http.post('/api/users').set(a.auth).set('Idempotency-Key', userKey).send(user);
    expect(created.status).toBe(201);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await one.http.post('/api/users').set(a.auth).set('Idempotency-Key', userKey).send(user);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(created.body);
  });

  it('answers 409 idempotency_in_progress while the first request holds the key, and replays once it committed', async () => {
    const a = await one.createTenant();
    const key = newKey();
    // Stand in for a first request still in its transaction: hold the key's lock from outside.
    const holder = new Client({ connectionString: one.db.adminUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`cascade.idempotency:${a.id}:${key}`]);
      const started = Date.now();
      const busy = await createResource(one, a, key, { name: 'busy' });
      expect(busy.status).toBe(409);
      expect(busy.body).toEqual({ statusCode: 409, error: 'idempotency_in_progress', message: expect.any(String) });
      expect(busy.headers['retry-after']).toBe('1');
      expect(Date.now() - started).toBeLessThan(5000); // answered, not queued behind the holder
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    expect((await createResource(one, a, key, { name: 'busy' })).status).toBe(201);
    expect(await resourcesNamed(a.id, 'busy')).toBe(1);
  });

  it('20 concurrent requests with one key across two replicas create exactly one row; the others get 409 or the replay', async () => {
    const a = await one.createTenant();
    const key = newKey();
    const name = `burst-${key}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => createResource(i % 2 ? two : one, a, key, { name, data: { n: 1 } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    const fresh = results.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
    expect(fresh).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 201)) expect(r.text).toBe(fresh[0].text);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error).toBe('idempotency_in_progress');
    expect(await resourcesNamed(a.id, name)).toBe(1);
    const after = await createResource(two, a, key, { name, data: { n: 1 } });
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(after.text).toBe(fresh[0].text);
  });

  it('platform admins: creating a tenant twice with one key creates it once (platform-scoped key)', async () => {
    const key = newKey();
    const slug = `idem-${randomBytes(4).toString('hex')}`;
    const create = (app: TestApp) =>
      app.http.post('/api/tenants').set(app.platformAuth).set('Idempotency-Key', key).send({ name: 'Idem', slug });
    const first = await create(one);
    const again = await create(two);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await one.db.query(`SELECT count(*)::int AS n FROM cascade.tenants WHERE slug = $1`, [slug])).toEqual([{ n: 1 }]);
    expect(await one.db.query(`SELECT state FROM cascade.platform_idempotency_keys WHERE key = $1`, [key])).toEqual([
      { state: 'completed' },
    ]);
    // A tenant's key of the same value is another key.
    const t = await one.createTenant();
    expect((await createResource(one, t, key, { name: 'not-a-tenant' })).headers['idempotent-replayed']).toBeUndefined();
  });

  it('uploads: a retry replays, another file is 422, and a retry during the upload is 409', async () => {
    const a = await one.createTenant();
    const key = newKey();
    const content = randomBytes(20_000);
    const upload = (app: TestApp, bytes: Buffer) =>
      app.http
        .post('/api/files')
        .set(a.auth)
        .set('Idempotency-Key', key)
        .attach('file', bytes, { filename: 'a.bin', contentType: 'application/octet-stream' });
    const first = await upload(one, content);
    expect(first.status).toBe(201);
    const again = await upload(two, content);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.text).toBe(first.text);
    expect((await upload(one, randomBytes(20_001))).status).toBe(422);
    const files = await one.db.query<{ n: number; used: string }>(
      `SELECT (SELECT count(*)::int FROM cascade.files WHERE tenant_id = $1) AS n,
              (SELECT storage_bytes_used FROM cascade.tenant_quotas WHERE tenant_id = $1) AS used`,
      [a.id],
    );
    expect(files).toEqual([{ n: 1, used: String(content.length) }]);

    // A second upload with a fresh key, paused mid-stream: its key is held (running) until it ends.
    const slowKey = newKey();
    const port = await listeningPort(one.app.getHttpServer() as Server);
    let resume!: () => void;
    const paused = new Promise<void>((r) => {
      resume = r;
    });
    let release = () => undefined as void;
    const slow = streamUpload(port, {
      size: 300_000,
      headers: { ...a.auth, 'Idempotency-Key': slowKey },
      pauseAfter: 100_000,
      onPause: (go) => {
        release = go;
        resume();
      },
    });
    await paused;
    await eventually(async () => expect(await keyRows(slowKey)).toEqual([{ tenant_id: a.id, state: 'running' }]), { timeoutMs: 10_000 });
    const port2 = await listeningPort(two.app.getHttpServer() as Server);
    const during = await streamUpload(port2, { size: 300_000, headers: { ...a.auth, 'Idempotency-Key': slowKey } });
    expect(during.status).toBe(409);
    expect(during.body?.error).toBe('idempotency_in_progress');
    release();
    const done = await slow;
    expect(done.status).toBe(201);
    expect(await keyRows(slowKey)).toEqual([{ tenant_id: a.id, state: 'completed' }]);
    const retried = await streamUpload(port2, { size: 300_000, headers: { ...a.auth, 'Idempotency-Key': slowKey } });
    expect(retried.status).toBe(201);
    expect(retried.body).toEqual(done.body);
    expect(await one.db.query(`SELECT count(*)::int AS n FROM cascade.files WHERE tenant_id = $1`, [a.id])).toEqual([{ n: 2 }]);
  });

  it('a failed upload gives its key back', async () => {
    const a = await one.createTenant();
    expect((await one.http.put(`/api/tenants/${a.id}/quota`).set(one.platformAuth).send({ max_storage_bytes: 1000 })).status).toBe(200);
    const key = newKey();
    const upload = () =>
      one.http.post('/api/files').set(a.auth).set('Idempotency-Key', key).attach('file', randomBytes(5000), { filename: 'big.bin' });
    const refused = await upload();
    expect(refused.status).toBe(403);
    expect(await keyRows(key)).toEqual([]);
    expect((await one.http.put(`/api/tenants/${a.id}/quota`).set(one.platformAuth).send({ max_storage_bytes: 100_000 })).status).toBe(200);
    const ok = await upload();
    expect(ok.status).toBe(201);
    expect(ok.headers['idempotent-replayed']).toBeUndefined();
  });

  it('keys expire after 24 h: the sweeper deletes them, and the same key then creates anew', async () => {
    const a = await one.createTenant();
    const key = newKey();
    const name = `expiring-${key}`;
    const platformKey = newKey();
    const slug = `exp-${randomBytes(4).toString('hex')}`;
    expect((await createResource(one, a, key, { name })).status).toBe(201);
    const tenant = await one.http
      .post('/api/tenants')
      .set(one.platformAuth)
      .set('Idempotency-Key', platformKey)
      .send({ name: 'Exp', slug });
    expect(tenant.status).toBe(201);
    const sweeper = one.app.get(IdempotencyKeySweeper);

    const early = await sweeper.sweep(new Date(Date.now() + 23 * HOUR));
    expect(early).toEqual({ tenantKeysDeleted: 0, platformKeysDeleted: 0 });
    expect((await createResource(one, a, key, { name })).headers['idempotent-replayed']).toBe('true');

    const late = await sweeper.sweep(new Date(Date.now() + 24 * HOUR + 60_000));
    expect(late.tenantKeysDeleted).toBeGreaterThanOrEqual(1);
    expect(late.platformKeysDeleted).toBeGreaterThanOrEqual(1);
    expect(await keyRows(key)).toEqual([]);
    expect(await one.db.query(`SELECT 1 FROM cascade.platform_idempotency_keys WHERE key = $1`, [platformKey])).toEqual([]);
    const anew = await createResource(two, a, key, { name });
    expect(anew.status).toBe(201);
    expect(anew.headers['idempotent-replayed']).toBeUndefined();
    expect(await resourcesNamed(a.id, name)).toBe(2);
  });
});
