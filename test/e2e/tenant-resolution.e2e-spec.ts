import { createHmac } from 'node:crypto';
import { eventually } from '../support/eventually';
import { TenantSession, TestApp } from '../support/test-app';

function b64(obj: object): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

function sign(header: object, payload: object, secret: string): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** The token decides the tenant; X-Tenant-ID and Host are hints that must agree with it. */
describe('identity and tenant resolution', () => {
  let t: TestApp;
  let a: TenantSession;
  let b: TenantSession;

  beforeAll(async () => {
    t = await TestApp.start({ env: { BASE_DOMAIN: 'cascade.test' } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    [a, b] = await Promise.all([t.createTenant(), t.createTenant()]);
  });

  it('accepts hints that agree with the token (id, slug, subdomain)', async () => {
    for (const headers of [{ 'X-Tenant-ID': a.id }, { 'X-Tenant-ID': a.slug }, { Host: `${a.slug}.cascade.test` }]) {
      const res = await t.http.get('/api/tenant').set(a.auth).set(headers);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(a.id);
    }
  });

  it('refuses 403 tenant_mismatch when a header or the Host names another tenant', async () => {
    for (const headers of [{ 'X-Tenant-ID': b.id }, { 'X-Tenant-ID': b.slug }, { Host: `${b.slug}.cascade.test` }]) {
      const res = await t.http.get('/api/resources').set(a.auth).set(headers);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'tenant_mismatch', message: expect.any(String) });
    }
    const both = await t.http
      .get('/api/resources')
      .set(a.auth)
      .set({ 'X-Tenant-ID': a.slug, Host: `${b.slug}.cascade.test` });
    expect(both.body.error).toBe('tenant_mismatch');
  });

  it('answers 404 tenant_not_found to an unknown tenant hint', async () => {
    const res = await t.http.get('/api/resources').set(a.auth).set('X-Tenant-ID', 'no-such-tenant');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('tenant_not_found');
  });

  it('refuses forged, unsigned, expired and claim-less tokens with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: a.ownerId, tenant_id: a.id, role: 'owner', iat: now, exp: now + 600, jti: 'jti-0000-0001' };
    const { jti: _jti, ...withoutJti } = claims;
    const forged = [
      sign({ alg: 'HS256', typ: 'JWT' }, claims, 'not-the-secret-not-the-secret-123'),
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now - 10 }, t.config.jwtSecret),
      sign({ alg: 'HS256', typ: 'JWT' }, { sub: a.ownerId, tenant_id: a.id, role: 'owner' }, t.config.jwtSecret),
      sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'superuser' }, t.config.jwtSecret),
      sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, tenant_id: 'acme' }, t.config.jwtSecret),
      sign({ alg: 'HS256', typ: 'JWT' }, withoutJti, t.config.jwtSecret), // jti is required since v2
      sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 3600, exp: now + 600 }, t.config.jwtSecret), // older than an access token may live
      'garbage',
    ];
    for (const token of forged) {
      const res = await t.http.get('/api/resources').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('unauthorized');
    }
    // the same claims signed with the right key are accepted: the test above can fail
    const genuine = sign({ alg: 'HS256', typ: 'JWT' }, claims, t.config.jwtSecret);
    expect((await t.http.get('/api/resources').set('Authorization', `Bearer ${genuine}`)).status).toBe(200);
  });

  it('a token verified once is still refused from its exp on (the server remembers proofs only until then)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: a.ownerId, tenant_id: a.id, role: 'owner', iat: now, exp: now + 2, jti: 'jti-0000-0002' };
    const token = sign({ alg: 'HS256', typ: 'JWT' }, claims, t.config.jwtSecret);
    const read = () => t.http.get('/api/resources').set('Authorization', `Bearer ${token}`);
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200); // the remembered proof
    await eventually(async () => expect(Date.now()).toBeGreaterThanOrEqual((now + 2) * 1000), { timeoutMs: 4000 });
    const late = await read();
    expect(late.status).toBe(401);
    expect(late.body.error).toBe('unauthorized');
    // one changed byte of a remembered token is verified from scratch, and fails
    const fresh = sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: now + 600, jti: 'jti-0000-0003' }, t.config.jwtSecret);
    expect((await t.http.get('/api/resources').set('Authorization', `Bearer ${fresh}`)).status).toBe(200);
    const i = fresh.length - 10; // inside the signature, where every bit counts
    const tampered = fresh.slice(0, i) + (fresh[i] === 'A' ? 'B' : 'A') + fresh.slice(i + 1);
    expect((await t.http.get('/api/resources').set('Authorization', `Bearer ${tampered}`)).status).toBe(401);
  });

  it('answers 401 to a tenant route without a token (gateway mode is off by default)', async () => {
    const res = await t.http.get('/api/resources').set('X-Tenant-ID', a.id);
    expect(res.status).toBe(401);
  });

  it('keeps platform tokens out of tenant routes and tenant tokens out of platform routes', async () => {
    expect((await t.http.get('/api/resources').set(t.platformAuth)).status).toBe(403);
    const res = await t.http.get('/api/tenants').set(a.auth);
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });

  it('logs in with the tenant named by X-Tenant-ID or the subdomain; wrong email and wrong password look the same', async () => {
    const ok = await t.http
      .post('/api/auth/login')
      .set('Host', `${a.slug}.cascade.test`)
      .send({ email: a.ownerEmail, password: a.ownerPassword });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^crt_/),
      refresh_expires_in: 30 * 24 * 3600,
    });
    const wrongPw = await t.http
      .post('/api/auth/login')
      .set('X-Tenant-ID', a.slug)
      .send({ email: a.ownerEmail, password: 'wrong-password' });
    const noUser = await t.http
      .post('/api/auth/login')
      .set('X-Tenant-ID', a.slug)
      .send({ email: 'nobody@x.example', password: 'wrong-password' });
    const otherTenant = await t.http
      .post('/api/auth/login')
      .set('X-Tenant-ID', b.slug)
      .send({ email: a.ownerEmail, password: a.ownerPassword });
    for (const res of [wrongPw, noUser, otherTenant]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual(wrongPw.body);
    }
    const noHint = await t.http.post('/api/auth/login').send({ email: a.ownerEmail, password: a.ownerPassword });
    expect(noHint.status).toBe(400);
    expect(noHint.body.error).toBe('tenant_required');
  });

  it('members may read users but not manage them', async () => {
    const member = t.tokenFor(a.id, 'member');
    expect((await t.http.get('/api/users').set(member)).status).toBe(200);
    const res = await t.http.post('/api/users').set(member).send({ email: 'new@a.example', password: 'longenough1' });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('forbidden');
  });

  it('rejects unknown fields and bad bodies with 400 validation_failed in the contract shape', async () => {
    const unknown = await t.http.post('/api/resources').set(a.auth).send({ name: 'x', tenant_id: b.id });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ statusCode: 400, error: 'validation_failed', message: expect.stringContaining('tenant_id') });
    const malformed = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send('{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBe('validation_failed');
    const badLimit = await t.http.get('/api/resources?limit=1000').set(a.auth);
    expect(badLimit.status).toBe(400);
  });
});

describe('gateway mode (TRUST_TENANT_HEADER=true)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { TRUST_TENANT_HEADER: 'true' } });
  });
  afterAll(() => t.close());

  it('serves a token-less request for the X-Tenant-ID tenant, and needs that header', async () => {
    const a = await t.createTenant();
    const created = await t.http.post('/api/resources').set('X-Tenant-ID', a.slug).send({ name: 'via gateway' });
    expect(created.status).toBe(201);
    const seen = await t.http.get(`/api/resources/${created.body.id}`).set(a.auth);
    expect(seen.body.name).toBe('via gateway');
    const none = await t.http.get('/api/resources');
    expect(none.status).toBe(400);
    expect(none.body.error).toBe('tenant_required');
  });
});
