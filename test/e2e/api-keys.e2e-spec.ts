import { eventually } from '../support/eventually';
import { describeWithRedis, twoReplicas } from '../support/replicas';
import { TenantSession, TestApp } from '../support/test-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** API keys for machine clients (contract v2, "Other ways in"), black-box over HTTP. */
describe('API keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app?.close());

  function mint(t: { auth: { Authorization: string } }, body: object) {
    return app.http.post('/api/api-keys').set(t.auth).send(body);
  }

  async function userToken(t: TenantSession, role: 'admin' | 'member') {
    const email = `${role}-${Math.random().toString(36).slice(2)}@x.example`;
    await app.http.post('/api/users').set(t.auth).send({ email, password: 'longenough-1', role }).expect(201);
    const login = await app.http.post('/api/auth/login').set('X-Tenant-ID', t.slug).send({ email, password: 'longenough-1' }).expect(200);
    return { auth: bearer(login.body.access_token as string) };
  }

  it('shows the secret once; the key works as a bearer token; lists never show secrets', async () => {
    const t = await app.createTenant();
    const created = await mint(t, { name: 'CI deploy', role: 'admin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'CI deploy', role: 'admin', expires_at: null, last_used_at: null, created_by: t.ownerId });
    expect(created.body.secret).toMatch(/^cas_[0-9a-f]{32}_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    const key = bearer(created.body.secret as string);
    expect((await app.http.get('/api/users').set(key)).status).toBe(200);
    expect((await app.http.get('/api/audit').set(key)).status).toBe(200); // an admin key has admin rights

    const list = await app.http.get('/api/api-keys').set(t.auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].id).toBe(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret.slice(-43));
    expect(Object.keys(list.body.items[0]).sort()).toEqual([
      'created_at',
      'created_by',
      'expires_at',
      'id',
      'last_used_at',
      'name',
      'role',
    ]);
    // last_used_at follows use, written out of the request's way
    const used = await eventually(async () => {
      const items = (await app.http.get('/api/api-keys').set(t.auth)).body.items as { last_used_at: string | null }[];
      expect(items[0].last_used_at).not.toBeNull();
      return items[0].last_used_at as string;
    });
    await app.http.get('/api/users').set(key).expect(200);
    expect((await app.http.get('/api/api-keys').set(t.auth)).body.items[0].last_used_at).toBe(used); // at most once a minute
  });

  it('what a key does is audited with the key as actor', async () => {
    const t = await app.createTenant();
    const created = (await mint(t, { name: 'bot', role: 'member' }).expect(201)).body;
    const room = await app.http.post('/api/workrooms').set(bearer(created.secret)).send({ name: 'by a bot' }).expect(201);
    const events = await app.http.get(`/api/audit?actor_id=${created.id}`).set(t.auth).expect(200);
    expect(events.body.items).toEqual([
      expect.objectContaining({ actor_id: created.id, action: 'workroom.create', resource_id: room.body.id }),
    ]);
    const minted = await app.http.get(`/api/audit?action=api_key.create`).set(t.auth).expect(200);
    expect(minted.body.items).toEqual([
      expect.objectContaining({ actor_id: t.ownerId, resource_type: 'api_key', resource_id: created.id }),
    ]);
  });

  it('who may mint what: members none, admins member keys only, the owner both', async () => {
    const t = await app.createTenant();
    const admin = await userToken(t, 'admin');
    const member = await userToken(t, 'member');
    expect((await mint(member, { name: 'm', role: 'member' })).status).toBe(403);
    expect((await app.http.get('/api/api-keys').set(member.auth)).status).toBe(403);
    const denied = await mint(admin, { name: 'a', role: 'admin' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('forbidden');
    expect((await mint(admin, { name: 'm', role: 'member' })).status).toBe(201);
    const memberKey = (await mint(t, { name: 'm2', role: 'member' }).expect(201)).body.secret as string;
    expect((await mint({ auth: bearer(memberKey) }, { name: 'x', role: 'member' })).status).toBe(403);
    expect((await app.http.get('/api/audit').set(bearer(memberKey))).status).toBe(403);
    for (const bad of [
      { name: '', role: 'member' },
      { name: 'x', role: 'owner' },
      { name: 'x' },
      { name: 'x', role: 'member', expires_at: 'soon' },
    ]) {
      const res = await mint(t, bad);
      expect([res.status, res.body.error]).toEqual([400, 'validation_failed']);
    }
    const past = await mint(t, { name: 'x', role: 'member', expires_at: new Date(Date.now() - 1000).toISOString() });
    expect([past.status, past.body.error]).toEqual([400, 'validation_failed']);
  });

  it('an expired, deleted, tampered or made-up key is refused with 401', async () => {
    const t = await app.createTenant();
    const soon = await mint(t, { name: 'short', role: 'member', expires_at: new Date(Date.now() + 1500).toISOString() }).expect(201);
    expect((await app.http.get('/api/resources').set(bearer(soon.body.secret))).status).toBe(200);
    await eventually(async () => expect((await app.http.get('/api/resources').set(bearer(soon.body.secret))).status).toBe(401), {
      timeoutMs: 5000,
      intervalMs: 100,
    });

    const key = (await mint(t, { name: 'k', role: 'member' }).expect(201)).body;
    const secret = key.secret as string;
    const tampered = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A');
    expect((await app.http.get('/api/resources').set(bearer(tampered))).status).toBe(401);
    const madeUp = `cas_${t.id.replace(/-/g, '')}_${'0'.repeat(32)}_${'A'.repeat(43)}`;
    const res = await app.http.get('/api/resources').set(bearer(madeUp));
    expect([res.status, res.body.error]).toEqual([401, 'unauthorized']);
    expect((await app.http.get('/api/resources').set(bearer('cas_garbage'))).status).toBe(401);

    await app.http.delete(`/api/api-keys/${key.id}`).set(t.auth).expect(204);
    expect((await app.http.get('/api/resources').set(bearer(secret))).status).toBe(401);
    expect((await app.http.get('/api/api-keys').set(t.auth)).body.items.map((k: { id: string }) => k.id)).not.toContain(key.id);
  });

  it("another tenant's key is invisible: 404 on its id, absent from lists, refused for another tenant", async () => {
    const a = await app.createTenant();
    const b = await app.createTenant();
    const key = (await mint(a, { name: 'a-key', role: 'admin' }).expect(201)).body;
    const res = await app.http.delete(`/api/api-keys/${key.id}`).set(b.auth);
    expect([res.status, res.body.error]).toEqual([404, 'not_found']);
    expect((await app.http.get(`/api/api-keys/${key.id}`).set(b.auth)).status).toBe(404);
    expect((await app.http.get(`/api/api-keys/${key.id}`).set(a.auth)).body).toMatchObject({ id: key.id, name: 'a-key' });
    expect((await app.http.delete(`/api/api-keys/${key.id.toUpperCase()}`).set(b.auth)).status).toBe(404);
    expect((await app.http.get('/api/api-keys').set(b.auth)).body.items).toEqual([]);
    const hinted = await app.http.get('/api/users').set(bearer(key.secret)).set('X-Tenant-ID', b.slug);
    expect([hinted.status, hinted.body.error]).toEqual([403, 'tenant_mismatch']);
    // a's key with b's tenant id put in its place names a key b does not have
    const swapped = (key.secret as string).replace(a.id.replace(/-/g, ''), b.id.replace(/-/g, ''));
    expect((await app.http.get('/api/users').set(bearer(swapped))).status).toBe(401);
    expect((await app.http.get('/api/users').set(bearer(key.secret))).status).toBe(200); // still a's
  });

  it("a key's requests are rate limited with its tenant's", async () => {
    const t = await app.createTenant();
    const key = bearer((await mint(t, { name: 'busy', role: 'member' }).expect(201)).body.secret);
    await app.http.put(`/api/tenants/${t.id}/quota`).set(app.platformAuth).send({ max_api_calls_per_minute: 3 }).expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.http.get('/api/resources').set(key)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
  });

  it('a replayed create (Idempotency-Key) answers the first answer and creates one key', async () => {
    const t = await app.createTenant();
    const first = await app.http.post('/api/api-keys').set(t.auth).set('Idempotency-Key', 'mint-1').send({ name: 'once', role: 'member' });
    const again = await app.http.post('/api/api-keys').set(t.auth).set('Idempotency-Key', 'mint-1').send({ name: 'once', role: 'member' });
    expect(first.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.secret).toBe(first.body.secret); // the same answer, byte for byte
    expect((await app.http.get('/api/api-keys').set(t.auth)).body.items).toHaveLength(1);
    // the stored answer that makes the replay possible is sealed: the secret is not at rest in clear
    const stored = await app.db.query<{ response_body: string }>(
      `SELECT response_body FROM cascade.idempotency_keys WHERE tenant_id = $1`,
      [t.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].response_body).not.toContain(first.body.secret.split('_').pop());
    expect(stored[0].response_body).toMatch(/^v1\./);
  });
});

describeWithRedis('API keys across two replicas', () => {
  const { pair } = twoReplicas();

  it('a key made on one replica works on the other, and its deletion is refused on both within 1 s', async () => {
    const { one, two } = pair;
    const t = await one.createTenant();
    const key = (await one.http.post('/api/api-keys').set(t.auth).send({ name: 'fleet', role: 'member' }).expect(201)).body;
    expect((await two.http.get('/api/resources').set(bearer(key.secret))).status).toBe(200);
    expect((await one.http.get('/api/resources').set(bearer(key.secret))).status).toBe(200);
    await one.http.delete(`/api/api-keys/${key.id}`).set(t.auth).expect(204);
    expect((await one.http.get('/api/resources').set(bearer(key.secret))).status).toBe(401);
    const t0 = Date.now();
    await eventually(async () => expect((await two.http.get('/api/resources').set(bearer(key.secret))).status).toBe(401), {
      timeoutMs: 1000,
    });
    process.stdout.write(`[api-keys] deletion seen by the other replica after ${Date.now() - t0} ms\n`);
    expect((await two.http.delete(`/api/api-keys/${key.id}`).set(t.auth)).status).toBe(404);
  });
});
