import { createPublicKey } from 'node:crypto';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { eventually } from '../support/eventually';
import { AUDIENCE, ISSUER, JwksServer, providerToken, signingKey, SigningKey } from '../support/identity-provider';
import { TenantSession, TestApp } from '../support/test-app';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const sub = () => `idp-user-${Math.random().toString(36).slice(2)}`;

/**
 * Tokens of an external identity provider (contract v2, "Other ways in"): real RSA and EC keys
 * made here, a real JWKS served over HTTP by this test, the app verifying with jose.
 */
describe('external identity provider (JWKS)', () => {
  let app: TestApp;
  let jwks: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;

  beforeAll(async () => {
    jwks = await JwksServer.start();
    [rsa, ec] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1')]);
    jwks.publish(rsa, ec);
    app = await TestApp.start({
      env: {
        AUTH_JWKS_URL: jwks.url,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_ROLE_CLAIM: 'roles',
        AUTH_ROLE_MAP: 'cascade-admin:admin',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await jwks?.close();
  });
  beforeEach(() => {
    jwks.down = false;
  });

  const get = (path: string, token: string) => app.http.get(path).set(bearer(token));

  async function usersOf(t: TenantSession) {
    return (await app.http.get('/api/users?limit=100').set(t.auth).expect(200)).body.items as { id: string; email: string; role: string }[];
  }

  it('accepts RS256 and ES256 tokens, creating the user once on first sight (tenant by id or slug)', async () => {
    const t = await app.createTenant();
    const alice = sub();
    const byId = await providerToken(rsa, { sub: alice, tenant_id: t.id, email: 'Alice@Corp.example' });
    expect((await get('/api/resources', byId)).status).toBe(200);
    const bySlug = await providerToken(ec, { sub: alice, tenant_id: t.slug });
    expect((await get('/api/resources', bySlug)).status).toBe(200);
    const mine = (await usersOf(t)).filter((u) => u.email === 'alice@corp.example');
    expect(mine).toEqual([expect.objectContaining({ role: 'member' })]);
    expect((await app.http.get('/api/quota').set(t.auth).expect(200)).body.usage.users).toBe(2); // owner + alice
    // a member: no audit trail; an admin by the provider's mapped role: yes
    expect((await get('/api/audit', byId)).status).toBe(403);
    const boss = await providerToken(rsa, { sub: sub(), tenant_id: t.id, roles: ['offline_access', 'cascade-admin'] });
    expect((await get('/api/audit', boss)).status).toBe(200);
    // the provider cannot make an owner, and its email never takes over a password user
    const squatter = await providerToken(rsa, { sub: sub(), tenant_id: t.id, email: t.ownerEmail, roles: 'owner' });
    expect((await get('/api/audit', squatter)).status).toBe(403);
    expect((await usersOf(t)).filter((u) => u.email === t.ownerEmail)).toHaveLength(1);
  });

  it('refuses wrong iss or aud, expired and not-yet-valid tokens, alg none, and alg confusion', async () => {
    const t = await app.createTenant();
    const claims = { sub: sub(), tenant_id: t.id };
    const now = Math.floor(Date.now() / 1000);
    const bad = {
      'wrong iss': await providerToken(rsa, claims, { iss: 'https://evil.test/' }),
      'wrong aud': await providerToken(rsa, claims, { aud: 'another-api' }),
      expired: await providerToken(rsa, claims, { iatOffsetS: -600, expiresIn: now - 120 }),
      'not yet valid': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setNotBefore(now + 600)
        .setExpirationTime(now + 900)
        .sign(rsa.privateKey),
      'no tenant claim': await providerToken(rsa, { sub: sub() }),
      'alg none': new UnsecuredJWT(claims).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('5m').encode(),
      // the classic confusion: HS256 "signed" with the provider's public key as the HMAC secret
      'HS256 with the public key': await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(Buffer.from(await exportSPKI(rsa.publicKey))),
      // an RS256 token naming the EC key: the alg does not fit the key's type
      'RS256 on the EC key': await providerToken(rsa, claims, { kid: ec.kid }),
      'signed by another key under a known kid': await providerToken({ ...(await signingKey('RS256', 'rsa-1')) }, claims),
    };
    const outcomes = Object.fromEntries(
      await Promise.all(Object.entries(bad).map(async ([name, token]) => [name, (await get('/api/resources', token)).status] as const)),
    );
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(bad).map((name) => [name, 401])));
    expect(createPublicKey(await exportSPKI(rsa.publicKey)).asymmetricKeyType).toBe('rsa'); // the confusion key was real
  });

  it('an unknown kid re-reads the JWKS at most once per 30 s, however many forged kids arrive', async () => {
    const t = await app.createTenant();
    await get('/api/resources', await providerToken(rsa, { sub: sub(), tenant_id: t.id })).expect(200);
    const before = jwks.requests;
    const forged = await Promise.all(
      Array.from({ length: 20 }, (_, i) => providerToken(rsa, { sub: sub(), tenant_id: t.id }, { kid: `forged-${i}` })),
    );
    const statuses = await Promise.all(forged.map(async (token) => (await get('/api/resources', token)).status));
    expect(statuses).toEqual(forged.map(() => 401));
    expect(jwks.requests - before).toBeLessThanOrEqual(1);
  });

  it('the tenant claim decides; a hint naming another tenant is refused with tenant_mismatch', async () => {
    const a = await app.createTenant();
    const b = await app.createTenant();
    const token = await providerToken(rsa, { sub: sub(), tenant_id: a.id });
    const res = await app.http.get('/api/resources').set(bearer(token)).set('X-Tenant-ID', b.slug);
    expect([res.status, res.body.error]).toEqual([403, 'tenant_mismatch']);
    expect((await get('/api/resources', await providerToken(rsa, { sub: sub(), tenant_id: 'no-such-tenant' }))).status).toBe(401);
  });

  it('a provider user deleted in CASCADE is refused, also with new tokens; a demoted one loses the rights', async () => {
    const t = await app.createTenant();
    const gone = sub();
    const first = await providerToken(rsa, { sub: gone, tenant_id: t.id, email: 'gone@corp.example' });
    await get('/api/resources', first).expect(200);
    const user = (await usersOf(t)).find((u) => u.email === 'gone@corp.example') as { id: string };
    await app.http.delete(`/api/users/${user.id}`).set(t.auth).expect(204);
    expect((await get('/api/resources', first)).status).toBe(401);
    const fresh = await providerToken(ec, { sub: gone, tenant_id: t.id, email: 'gone@corp.example' });
    expect((await get('/api/resources', fresh)).status).toBe(401);
    expect((await usersOf(t)).some((u) => u.email === 'gone@corp.example')).toBe(false);
    // and stays refused after every replica has forgotten the change: the identity is tombstoned
    const tombstones = await app.db.query('SELECT subject FROM cascade.external_identity_tombstones WHERE tenant_id = $1', [t.id]);
    expect(tombstones).toEqual([{ subject: gone }]);

    const admin = sub();
    const adminToken = await providerToken(rsa, { sub: admin, tenant_id: t.id, email: 'admin@corp.example', roles: ['cascade-admin'] });
    await get('/api/audit', adminToken).expect(200);
    const adminUser = (await usersOf(t)).find((u) => u.email === 'admin@corp.example') as { id: string };
    await app.http.patch(`/api/users/${adminUser.id}`).set(t.auth).send({ role: 'member' }).expect(200);
    expect((await get('/api/audit', adminToken)).status).toBe(403);
    expect((await get('/api/resources', adminToken)).status).toBe(200);
  });

  it("ending a provider user's sessions refuses tokens issued before, not after", async () => {
    const t = await app.createTenant();
    const who = sub();
    const before = await providerToken(rsa, { sub: who, tenant_id: t.id, email: 'ended@corp.example' }, { iatOffsetS: -5 });
    await get('/api/resources', before).expect(200);
    const user = (await usersOf(t)).find((u) => u.email === 'ended@corp.example') as { id: string };
    await app.http.delete(`/api/users/${user.id}/sessions`).set(t.auth).expect(204);
    expect((await get('/api/resources', before)).status).toBe(401);
    const after = await providerToken(rsa, { sub: who, tenant_id: t.id }, { iatOffsetS: 2 });
    expect((await get('/api/resources', after)).status).toBe(200);
  });

  it('keeps serving while the provider is down (cached keys); own HS256 tokens work beside it; ready does not ask the provider', async () => {
    const t = await app.createTenant();
    const token = await providerToken(ec, { sub: sub(), tenant_id: t.id });
    await get('/api/resources', token).expect(200);
    jwks.down = true;
    await eventually(async () => expect((await get('/api/resources', token)).status).toBe(200));
    expect((await get('/api/resources', await providerToken(rsa, { sub: sub(), tenant_id: t.id }))).status).toBe(200);
    expect((await app.http.get('/api/resources').set(t.auth)).status).toBe(200);
    expect((await app.http.get('/health/ready')).status).toBe(200);
  });
});
