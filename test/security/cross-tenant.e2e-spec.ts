import { listRoutes, RouteInfo } from '../support/routes';
import { TenantSession, TestApp } from '../support/test-app';

type Factory = (t: TestApp, owner: TenantSession) => Promise<string>;

/**
 * How to make an object owned by tenant A for each collection that has `/:id` routes. A new
 * collection without a factory here fails the suite: cross-tenant coverage cannot be forgotten.
 */
const FACTORIES: Record<string, Factory> = {
  resources: async (t, a) =>
    (
      await t.http
        .post('/api/resources')
        .set(a.auth)
        .send({ name: 'A secret', data: { owner: 'A' } })
    ).body.id,
  users: async (t, a) =>
    (
      await t.http
        .post('/api/users')
        .set(a.auth)
        .send({ email: `victim-${Date.now()}@a.example`, password: 'longenough1' })
    ).body.id,
  workrooms: async (t, a) => (await t.http.post('/api/workrooms').set(a.auth).send({ name: 'A room' })).body.id,
  'api-keys': async (t, a) => (await t.http.post('/api/api-keys').set(a.auth).send({ name: 'A key', role: 'member' })).body.id,
  files: async (t, a) => (await t.http.post('/api/files').set(a.auth).attach('file', Buffer.from('A secret bytes'), 'a.txt')).body.id,
};

const PLATFORM_PREFIX = '/api/tenants';

describe('OWASP API1: every route that takes an id refuses other tenants', () => {
  let t: TestApp;
  let a: TenantSession;
  let b: TenantSession;
  let idRoutes: RouteInfo[];

  beforeAll(async () => {
    t = await TestApp.start();
    [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
    idRoutes = listRoutes(t.app).filter((r) => r.path.includes(':id') && !r.path.startsWith(PLATFORM_PREFIX) && r.path.startsWith('/api/'));
  });
  afterAll(() => t.close());

  it('finds the id routes from the router and has a factory for each collection', () => {
    expect(idRoutes.length).toBeGreaterThanOrEqual(8);
    const collections = new Set(idRoutes.map((r) => r.path.split('/')[2]));
    expect([...collections].filter((c) => !FACTORIES[c])).toEqual([]);
    process.stdout.write(
      `[security] cross-tenant routes covered: ${idRoutes.length} (${idRoutes.map((r) => `${r.method} ${r.path}`).join(', ')})\n`,
    );
  });

  it("answers 404 to tenant B on tenant A's id for every such route, audits it in B's log, and leaves A's object intact", async () => {
    const owned = new Map<string, string>();
    for (const route of idRoutes) {
      const collection = route.path.split('/')[2];
      if (!owned.has(collection)) owned.set(collection, await FACTORIES[collection](t, a));
      const id = owned.get(collection)!;
      const url = route.path.replace(':id', id);
      const call = t.http[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](url).set(b.auth);
      // an empty body is valid for every PATCH (all fields optional), so the lookup itself answers
      const res = ['POST', 'PATCH', 'PUT'].includes(route.method) ? await call.send({}) : await call;
      expect({ route: `${route.method} ${route.path}`, status: res.status, error: res.body.error }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 404,
        error: 'not_found',
      });
    }
    const bAudit = (await t.http.get('/api/audit?limit=100').set(b.auth)).body.items as { outcome: string; resource_id: string }[];
    for (const [collection, id] of owned) {
      const denied = bAudit.filter((e) => e.outcome === 'denied' && e.resource_id === id);
      expect({ collection, denied: denied.length }).toEqual({
        collection,
        denied: idRoutes.filter((r) => r.path.split('/')[2] === collection).length,
      });
      expect((await t.http.get(`/api/${collection}/${id}`).set(a.auth)).status).toBe(200);
    }
  });

  it('keeps tenant tokens off every platform route and members off admin routes', async () => {
    const platform = listRoutes(t.app).filter((r) => r.path.startsWith(PLATFORM_PREFIX));
    expect(platform.length).toBeGreaterThanOrEqual(6);
    for (const route of platform) {
      const res = await t.http[route.method.toLowerCase() as 'get'](route.path.replace(':id', a.id)).set(b.auth).send({});
      expect({ route: `${route.method} ${route.path}`, status: res.status }).toEqual({
        route: `${route.method} ${route.path}`,
        status: 403,
      });
    }
    const member = t.tokenFor(a.id, 'member');
    const victim = await FACTORIES.users(t, a);
    for (const [method, path] of [
      ['post', '/api/users'],
      ['patch', `/api/users/${victim}`],
      ['delete', `/api/users/${victim}`],
      ['get', '/api/audit'],
    ] as const) {
      const res = await t.http[method](path).set(member).send({ email: 'x@y.example', password: 'longenough1' });
      expect({ path, method, status: res.status }).toEqual({ path, method, status: 403 });
    }
  });
});

describe('hostile input never reaches 5xx', () => {
  let t: TestApp;
  let a: TenantSession;
  beforeAll(async () => {
    t = await TestApp.start({ env: { BASE_DOMAIN: 'cascade.test' } });
    a = await t.createTenant();
  });
  afterAll(() => t.close());

  const injections = [
    "' OR '1'='1",
    '1; DROP TABLE cascade.resources; --',
    '$1',
    "\\'; SELECT pg_sleep(5); --",
    '%27%20OR%201=1',
    '\u0000',
    '../../etc/passwd',
  ];

  it('SQL injection in bodies, query strings, path ids and headers: 4xx or stored verbatim, never 5xx', async () => {
    for (const evil of injections) {
      const created = await t.http
        .post('/api/resources')
        .set(a.auth)
        .send({ name: evil.slice(0, 200) || 'x', data: { q: evil } });
      expect([201, 400]).toContain(created.status);
      if (created.status === 201) expect(created.body.name).toBe(evil);
      for (const path of [
        `/api/resources?cursor=${encodeURIComponent(evil)}`,
        `/api/resources?limit=${encodeURIComponent(evil)}`,
        `/api/resources/${encodeURIComponent(evil)}`,
        `/api/audit?action=${encodeURIComponent(evil)}`,
      ]) {
        const res = await t.http.get(path).set(a.auth);
        expect({ path, status: res.status }).toEqual({ path, status: 400 });
      }
      const hdr = await t.http
        .get('/api/resources')
        .set(a.auth)
        .set('X-Tenant-ID', evil.replace(/\u0000/g, ''));
      expect(hdr.status).toBeGreaterThanOrEqual(400);
      expect(hdr.status).toBeLessThan(500);
      const login = await t.http
        .post('/api/auth/login')
        .set('X-Tenant-ID', a.slug)
        .send({ email: evil || 'x', password: evil || 'x' });
      expect([400, 401]).toContain(login.status);
    }
    const count = await t.db.query(`SELECT count(*)::int AS n FROM cascade.resources`);
    expect(count[0].n).toBeGreaterThan(0); // the table is still there
  });

  it('prototype pollution payloads are refused or stored as plain data', async () => {
    const top = await t.http
      .post('/api/resources')
      .set(a.auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"p","__proto__":{"polluted":true}}');
    expect(top.status).toBeLessThan(500);
    const ctor = await t.http
      .post('/api/resources')
      .set(a.auth)
      .send({ name: 'c', constructor: { prototype: { polluted: true } } });
    expect(ctor.status).toBeLessThan(500);
    const nested = await t.http
      .post('/api/resources')
      .set(a.auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"n","data":{"__proto__":{"polluted":true},"ok":1}}');
    expect(nested.status).toBeLessThan(500);
    const query = await t.http.get('/api/resources?__proto__[polluted]=true&constructor[prototype][polluted]=true').set(a.auth);
    expect(query.status).toBeLessThan(500);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.http.get('/api/resources').set(a.auth)).status).toBe(200);
  });

  it('oversized and malformed bodies are 413 / 400 in the contract shape', async () => {
    const big = await t.http
      .post('/api/resources')
      .set(a.auth)
      .send({ name: 'big', data: { blob: 'x'.repeat(200_000) } });
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ statusCode: 413, error: 'payload_too_large', message: expect.any(String) });
    const bad = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send('{not json');
    expect(bad.body).toEqual({ statusCode: 400, error: 'validation_failed', message: expect.any(String) });
  });

  it('sets security headers and a request id, and keeps CORS closed by default', async () => {
    const res = await t.http.get('/health/live').set('Origin', 'https://evil.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const bogus = await t.http.get('/health/live').set('X-Request-Id', 'bad id with spaces');
    expect(bogus.headers['x-request-id']).not.toBe('bad id with spaces');
  });
});
