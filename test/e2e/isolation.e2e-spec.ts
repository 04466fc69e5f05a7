import { TenantSession, TestApp } from '../support/test-app';

/** The heart of CASCADE: tenant B never sees or changes tenant A's rows, and gets 404 exactly as for a missing id. */
describe('tenant isolation through the API', () => {
  let t: TestApp;
  let a: TenantSession;
  let b: TenantSession;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
  });

  const missingId = '01a21bb1-0000-7000-8000-000000000000';

  describe.each([
    ['resources', { name: 'secret plan', data: { owner: 'A' } }, { name: 'hijacked' }],
    ['users', { email: 'member@a.example', password: 'longenough1' }, { role: 'admin' }],
  ])('/api/%s', (collection, createBody, patchBody) => {
    let aId: string;

    beforeEach(async () => {
      const created = await t.http.post(`/api/${collection}`).set(a.auth).send(createBody);
      expect(created.status).toBe(201);
      aId = created.body.id;
    });

    it("answers 404 to B's GET, PATCH and DELETE of A's id, exactly like a missing id", async () => {
      const missing = await t.http.get(`/api/${collection}/${missingId}`).set(b.auth);
      expect(missing.status).toBe(404);
      for (const [method, body] of [
        ['get', undefined],
        ['patch', patchBody],
        ['delete', undefined],
      ] as const) {
        const res = await t.http[method](`/api/${collection}/${aId}`).set(b.auth).send(body);
        expect(res.status).toBe(404);
        expect(res.body).toEqual(missing.body);
      }
      const stillThere = await t.http.get(`/api/${collection}/${aId}`).set(a.auth);
      expect(stillThere.status).toBe(200);
      expect(JSON.stringify(stillThere.body)).not.toContain('hijacked');
      if (collection === 'users') expect(stillThere.body.role).toBe('member');
    });

    it("never lists A's rows for B", async () => {
      const listB = await t.http.get(`/api/${collection}?limit=100`).set(b.auth);
      expect(listB.status).toBe(200);
      expect(listB.body.items.map((r: { id: string }) => r.id)).not.toContain(aId);
      const listA = await t.http.get(`/api/${collection}?limit=100`).set(a.auth);
      expect(listA.body.items.map((r: { id: string }) => r.id)).toContain(aId);
    });

    it('answers 400 validation_failed to a malformed id', async () => {
      const res = await t.http.get(`/api/${collection}/not-a-uuid`).set(a.auth);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
    });
  });

  it('a user of the same email may exist in two tenants, but not twice in one', async () => {
    const body = { email: 'same@shared.example', password: 'longenough1' };
    expect((await t.http.post('/api/users').set(a.auth).send(body)).status).toBe(201);
    expect((await t.http.post('/api/users').set(b.auth).send(body)).status).toBe(201);
    const dup = await t.http.post('/api/users').set(a.auth).send(body);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('email_taken');
  });

  it('GET /api/tenant names the caller’s tenant only', async () => {
    const res = await t.http.get('/api/tenant').set(b.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: b.id, slug: b.slug, name: `Tenant ${b.slug}`, plan: 'standard', status: 'active' });
  });

  it('never returns a password or its hash', async () => {
    const created = await t.http.post('/api/users').set(a.auth).send({ email: 'x@a.example', password: 'longenough1' });
    const list = await t.http.get('/api/users').set(a.auth);
    const text = JSON.stringify([created.body, list.body]);
    expect(text).not.toMatch(/password|scrypt|hash/i);
  });
});
