import { TestApp } from '../support/test-app';

describe('platform administration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());

  it('creates a tenant with its owner and quota row from the plan; a taken slug is 409 slug_taken', async () => {
    const res = await t.http
      .post('/api/tenants')
      .set(t.platformAuth)
      .send({ name: 'Acme', slug: 'acme-1', plan: 'free', owner: { email: 'Boss@Acme.example', password: 'longenough1' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ slug: 'acme-1', name: 'Acme', plan: 'free', status: 'active' });
    const quota = await t.http.get(`/api/tenants/${res.body.id}/quota`).set(t.platformAuth);
    expect(quota.body).toEqual({
      limits: {
        max_users: 5,
        max_storage_bytes: 1073741824,
        max_api_calls_per_minute: 60,
        max_concurrent_requests: 10,
        max_workrooms: 3,
        custom_domain_allowed: false,
        features: [],
      },
      usage: { users: 1, storage_bytes: 0, workrooms: 0 },
    });
    const again = await t.http.post('/api/tenants').set(t.platformAuth).send({ name: 'Other', slug: 'acme-1' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('slug_taken');
    const login = await t.http
      .post('/api/auth/login')
      .set('X-Tenant-ID', 'acme-1')
      .send({ email: 'boss@acme.example', password: 'longenough1' });
    expect(login.status).toBe(200);
  });

  it('rejects unknown plans, reserved and malformed slugs', async () => {
    for (const body of [
      { name: 'x', slug: 'ok-slug', plan: 'platinum' },
      { name: 'x', slug: 'www' },
      { name: 'x', slug: 'Bad_Slug' },
    ]) {
      const res = await t.http.post('/api/tenants').set(t.platformAuth).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    }
  });

  it('lists tenants with cursor pagination', async () => {
    for (let i = 0; i < 3; i++) await t.createTenant();
    const first = await t.http.get('/api/tenants?limit=2').set(t.platformAuth);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await t.http.get(`/api/tenants?limit=2&cursor=${first.body.next_cursor}`).set(t.platformAuth);
    const ids = [...first.body.items, ...second.body.items].map((x: { id: string }) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bad = await t.http.get('/api/tenants?cursor=bm9wZQ').set(t.platformAuth);
    expect(bad.status).toBe(400);
  });

  it('suspends and reactivates a tenant: its users are refused 403 tenant_suspended meanwhile', async () => {
    const a = await t.createTenant();
    const suspended = await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ status: 'suspended' });
    expect(suspended.status).toBe(200);
    expect(suspended.body.status).toBe('suspended');
    const refused = await t.http.get('/api/resources').set(a.auth);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('tenant_suspended');
    await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ status: 'active' });
    expect((await t.http.get('/api/resources').set(a.auth)).status).toBe(200);
  });

  it('puts quota overrides on top of the plan, and a plan change keeps them', async () => {
    const a = await t.createTenant();
    const put = await t.http
      .put(`/api/tenants/${a.id}/quota`)
      .set(t.platformAuth)
      .send({ max_workrooms: 7, features: ['advanced_search'] });
    expect(put.status).toBe(200);
    expect(put.body.limits).toMatchObject({ max_workrooms: 7, max_users: 100, features: ['advanced_search'] });
    await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ plan: 'free' });
    const after = await t.http.get('/api/quota').set(a.auth);
    expect(after.body.limits).toMatchObject({ max_workrooms: 7, max_users: 5, features: ['advanced_search'] });
    const bad = await t.http.put(`/api/tenants/${a.id}/quota`).set(t.platformAuth).send({ max_users: -1 });
    expect(bad.status).toBe(400);
  });

  it('deletes a tenant and every row it owned', async () => {
    const a = await t.createTenant();
    const keep = await t.createTenant();
    await t.http.post('/api/resources').set(a.auth).send({ name: 'gone soon' });
    await t.http.post('/api/resources').set(keep.auth).send({ name: 'stays' });
    const del = await t.http.delete(`/api/tenants/${a.id}`).set(t.platformAuth);
    expect(del.status).toBe(204);
    const leftovers = await t.db.query(
      `
      SELECT (SELECT count(*) FROM cascade.resources WHERE tenant_id = $1)::int
           + (SELECT count(*) FROM cascade.users WHERE tenant_id = $1)::int
           + (SELECT count(*) FROM cascade.tenant_quotas WHERE tenant_id = $1)::int
           + (SELECT count(*) FROM cascade.tenants WHERE id = $1)::int AS n`,
      [a.id],
    );
    expect(leftovers[0].n).toBe(0);
    expect((await t.http.get(`/api/tenants/${a.id}`).set(t.platformAuth)).status).toBe(404);
    expect((await t.http.get('/api/resources').set(a.auth)).status).toBe(401); // its users' tokens prove nothing any more
    expect((await t.http.get('/api/resources').set(keep.auth)).body.items).toHaveLength(1);
  });
});
