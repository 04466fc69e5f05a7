import { ConcurrencyLimiter } from '@cascade/quotas';
import { FailingModule } from '../support/failing.controller';
import { eventually } from '../support/eventually';
import { TenantSession, TestApp } from '../support/test-app';

/** Counted quotas are exact under concurrency: N free slots admit exactly N, whatever the race. */
describe('plans, quotas and limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      modules: [FailingModule],
      env: { BASE_DOMAIN: 'cascade.test', DB_POOL_SIZE: '8', DB_CONNECT_TIMEOUT_MS: '30000' },
    });
  });
  afterAll(() => t.close());

  const setQuota = (tenant: TenantSession, body: object) =>
    t.http.put(`/api/tenants/${tenant.id}/quota`).set(t.platformAuth).send(body).expect(200);

  it('50 parallel workroom creates against 5 free slots: exactly 5 succeed, usage says 5', async () => {
    const a = await t.createTenant();
    await setQuota(a, { max_workrooms: 5 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post('/api/workrooms')
          .set(a.auth)
          .send({ name: `room ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(45);
    const refused = results.find((r) => r.status === 403);
    expect(refused?.body).toEqual({
      statusCode: 403,
      error: 'quota_exceeded',
      message: expect.any(String),
      resource: 'workrooms',
      limit: 5,
    });
    const quota = await t.http.get('/api/quota').set(a.auth);
    expect(quota.body.usage.workrooms).toBe(5);
    expect((await t.http.get('/api/workrooms?limit=100').set(a.auth)).body.items).toHaveLength(5);
    process.stdout.write(
      `[quotas] workrooms: ${statuses.filter((s) => s === 201).length} x 201, ${statuses.filter((s) => s === 403).length} x 403\n`,
    );
  });

  it('50 parallel user creates against 5 free slots: exactly 5 succeed; deleting frees a slot', async () => {
    const a = await t.createTenant();
    await setQuota(a, { max_users: 6 }); // the owner holds one
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post('/api/users')
          .set(a.auth)
          .send({ email: `u${i}@race.example`, password: 'longenough1' }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created).toHaveLength(5);
    expect(results.filter((r) => r.status === 403 && r.body.error === 'quota_exceeded' && r.body.resource === 'users')).toHaveLength(45);
    expect((await t.http.get('/api/quota').set(a.auth)).body.usage.users).toBe(6);
    const [{ body: gone }] = created;
    expect((await t.http.delete(`/api/users/${gone.id}`).set(a.auth)).status).toBe(204);
    expect((await t.http.get('/api/quota').set(a.auth)).body.usage.users).toBe(5);
    expect((await t.http.post('/api/users').set(a.auth).send({ email: 'late@race.example', password: 'longenough1' })).status).toBe(201);
    process.stdout.write(`[quotas] users: ${created.length} x 201, 45 x 403\n`);
  });

  it('counts the concurrency cap: N+k slow requests in flight → k × 429, then the counter is back to 0', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    await setQuota(a, { max_concurrent_requests: 3 });
    const limiter = t.app.get(ConcurrencyLimiter);
    // supertest sends on then(): start all five now, and hold them in flight for 2 s
    const slow = Array.from({ length: 5 }, (_, i) => t.http.post(`/test-only/write-then-wait?name=slow${i}&ms=2000`).set(a.auth).then((r) => r));
    await eventually(() => expect(limiter.current(a.id)).toBe(3));
    const otherTenant = await t.http.get('/api/resources').set(b.auth); // while A is at its cap
    const results = await Promise.all(slow);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    expect(refused[0].body.error).toBe('too_many_concurrent_requests');
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(otherTenant.status).toBe(200);
    // failing and abandoned requests release their slots too
    await t.http.post('/test-only/write-then-fail?name=x').set(a.auth).expect(500);
    await eventually(() => expect(limiter.current(a.id)).toBe(0));
  });

  it('gates a route by feature: 403 feature_not_enabled until the tenant has it', async () => {
    const a = await t.createTenant();
    await t.http.post('/api/resources').set(a.auth).send({ name: 'Quarterly 100%_report' });
    await t.http.post('/api/resources').set(a.auth).send({ name: 'Other' });
    const refused = await t.http.get('/api/resources/search?q=quart').set(a.auth);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'feature_not_enabled', feature: 'advanced_search' });
    await setQuota(a, { features: ['advanced_search'] });
    const found = await t.http.get('/api/resources/search?q=quart').set(a.auth);
    expect(found.status).toBe(200);
    expect(found.body.items.map((r: { name: string }) => r.name)).toEqual(['Quarterly 100%_report']);
    // LIKE wildcards in the query are literal characters
    expect((await t.http.get('/api/resources/search?q=%25').set(a.auth)).body.items).toEqual([]);
  });

  it('custom domains: gated by the plan, then the domain names the tenant like a subdomain does', async () => {
    const a = await t.createTenant();
    const b = await t.createTenant();
    const refused = await t.http
      .patch(`/api/tenants/${a.id}`)
      .set(t.platformAuth)
      .send({ custom_domain: `app.${a.slug}.example` });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('feature_not_enabled');
    await t.http.patch(`/api/tenants/${a.id}`).set(t.platformAuth).send({ plan: 'enterprise' }).expect(200);
    await t.http
      .patch(`/api/tenants/${a.id}`)
      .set(t.platformAuth)
      .send({ custom_domain: `app.${a.slug}.example` })
      .expect(200);
    const host = { Host: `app.${a.slug}.example` };
    expect((await t.http.get('/api/tenant').set(a.auth).set(host)).body.id).toBe(a.id);
    expect((await t.http.get('/api/tenant').set(b.auth).set(host)).body.error).toBe('tenant_mismatch');
    const login = await t.http.post('/api/auth/login').set(host).send({ email: a.ownerEmail, password: a.ownerPassword });
    expect(login.status).toBe(200);
    const taken = await t.http.patch(`/api/tenants/${b.id}`).set(t.platformAuth).send({ plan: 'enterprise' });
    expect(taken.status).toBe(200);
    const dup = await t.http
      .patch(`/api/tenants/${b.id}`)
      .set(t.platformAuth)
      .send({ custom_domain: `app.${a.slug}.example` });
    expect(dup.status).toBe(409);
  });

  it('sends RateLimit headers on tenant responses', async () => {
    const a = await t.createTenant();
    const res = await t.http.get('/api/resources').set(a.auth);
    expect(res.headers['ratelimit-limit']).toBe('1000');
    expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(1000);
    expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
  });
});
