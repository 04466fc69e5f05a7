import { FailingModule } from '../support/failing.controller';
import { TenantSession, TestApp } from '../support/test-app';

describe('audit trail', () => {
  let t: TestApp;
  let a: TenantSession;
  beforeAll(async () => {
    t = await TestApp.start({ modules: [FailingModule], env: { TRUSTED_PROXIES: 'loopback' } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    a = await t.createTenant();
  });

  const events = async (tenant: TenantSession, query = '') =>
    (await t.http.get(`/api/audit?limit=100${query}`).set(tenant.auth).expect(200)).body.items;

  it('writes exactly one success event per mutating request, with actor, ip, user agent and request id', async () => {
    const created = await t.http
      .post('/api/resources')
      .set(a.auth)
      .set('X-Request-Id', 'trace-0001-abcdef')
      .set('X-Forwarded-For', '203.0.113.9')
      .set('User-Agent', 'audit-test')
      .send({ name: 'audited' });
    expect(created.headers['x-request-id']).toBe('trace-0001-abcdef');
    await t.http.patch(`/api/resources/${created.body.id}`).set(a.auth).send({ name: 'audited 2' }).expect(200);
    await t.http.delete(`/api/resources/${created.body.id}`).set(a.auth).expect(204);
    await t.http.get(`/api/resources`).set(a.auth).expect(200); // reads are not audited as changes
    const items = await events(a, '&actor_id=' + a.ownerId);
    const forResource = items.filter((e: { resource_id: string }) => e.resource_id === created.body.id);
    expect(forResource.map((e: { action: string }) => e.action)).toEqual(['resource.delete', 'resource.update', 'resource.create']);
    expect(forResource[2]).toMatchObject({ outcome: 'success', actor_id: a.ownerId, ip: '203.0.113.9', request_id: 'trace-0001-abcdef' });
    const rows = await t.db.query(`SELECT user_agent FROM cascade.audit_events WHERE resource_id = $1 AND action = 'resource.create'`, [
      created.body.id,
    ]);
    expect(rows).toEqual([{ user_agent: 'audit-test' }]);
  });

  it('a handler that fails after writing leaves neither the row nor an event', async () => {
    const before = (await events(a)).length;
    await t.http.post('/test-only/write-then-fail?name=ghost').set(a.auth).expect(500);
    expect(await t.db.query(`SELECT 1 FROM cascade.resources WHERE name = 'ghost'`)).toEqual([]);
    expect((await events(a)).length).toBe(before);
  });

  it("records a denied event in B's log when B touches A's id; nothing in A's log", async () => {
    const b = await t.createTenant();
    const { body } = await t.http.post('/api/resources').set(a.auth).send({ name: 'private' });
    await t.http.get(`/api/resources/${body.id}`).set(b.auth).expect(404);
    const bEvents = await events(b, '&action=resource.read');
    expect(bEvents).toEqual([expect.objectContaining({ outcome: 'denied', resource_id: body.id, actor_id: b.ownerId })]);
    const aDenied = (await events(a)).filter((e: { outcome: string }) => e.outcome === 'denied');
    expect(aDenied).toEqual([]);
  });

  it('audits failed logins the same way whether or not the email exists, and throttles brute force', async () => {
    for (const email of [a.ownerEmail, 'ghost@nowhere.example']) {
      await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email, password: 'wrong-password' }).expect(401);
    }
    const failed = await events(a, '&action=auth.login_failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ actor_id: null, resource_id: null, outcome: 'denied' });
    expect({ ...failed[0], id: 0, at: 0, request_id: 0 }).toEqual({ ...failed[1], id: 0, at: 0, request_id: 0 });
    for (let i = 0; i < 4; i++)
      await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email: a.ownerEmail, password: 'wrong' });
    const locked = await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email: a.ownerEmail, password: a.ownerPassword });
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
    const other = await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email: 'someone@else.example', password: 'x' });
    expect(other.status).toBe(401);
  });

  it('audits platform actions under the affected tenant', async () => {
    await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ status: 'suspended' }).expect(200);
    await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ status: 'active' }).expect(200);
    await t.http.put(`/api/tenants/${a.id}/quota`).set(t.platformAuth).send({ max_users: 50 }).expect(200);
    const actions = (await events(a)).map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['tenant.suspend', 'tenant.reactivate', 'tenant.quota_update', 'tenant.create']));
  });

  it('filters by action, time and cursor; members may not read it; nobody can change it', async () => {
    for (let i = 0; i < 3; i++)
      await t.http
        .post('/api/workrooms')
        .set(a.auth)
        .send({ name: `w${i}` });
    const page1 = await t.http.get('/api/audit?action=workroom.create&limit=2').set(a.auth);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t.http.get(`/api/audit?action=workroom.create&limit=2&cursor=${page1.body.next_cursor}`).set(a.auth);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.next_cursor).toBeNull();
    const future = await t.http.get(`/api/audit?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`).set(a.auth);
    expect(future.body.items).toEqual([]);
    expect((await t.http.get('/api/audit').set(t.tokenFor(a.id, 'member'))).status).toBe(403);
    expect((await t.http.delete('/api/audit').set(a.auth)).status).toBe(404);
    const grants = await t.db.query(
      `SELECT privilege_type FROM information_schema.role_table_grants WHERE table_name = 'audit_events' AND grantee = 'cascade_tenant' ORDER BY 1`,
    );
    expect(grants.map((g) => g.privilege_type)).toEqual(['INSERT', 'SELECT']);
  });
});
