import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { Pool } from 'pg';
import { FailingModule } from '../support/failing.controller';
import { eventually } from '../support/eventually';
import { TenantSession, TestApp } from '../support/test-app';

describe('a request is all or nothing', () => {
  let t: TestApp;
  let a: TenantSession;

  beforeAll(async () => {
    t = await TestApp.start({ modules: [FailingModule], env: { DB_POOL_SIZE: '2' } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    a = await t.createTenant();
  });

  const count = async (name: string) => (await t.db.query(`SELECT 1 FROM cascade.resources WHERE name = $1`, [name])).length;

  it('a handler error after a write rolls the write back and answers a bare 500', async () => {
    const res = await t.http.post('/test-only/write-then-fail?name=doomed-row').set(a.auth);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, error: 'internal_error', message: 'Internal server error' });
    expect(res.text).not.toMatch(/SELECT|boom|at .*\.ts/);
    expect(await count('doomed-row')).toBe(0);
  });

  it('a failed insert after a quota reservation leaves usage unchanged', async () => {
    const before = (await t.http.get('/api/quota').set(a.auth)).body.usage.users;
    const dup = await t.http.post('/api/users').set(a.auth).send({ email: a.ownerEmail, password: 'longenough1' });
    expect(dup.status).toBe(409);
    expect((await t.http.get('/api/quota').set(a.auth)).body.usage.users).toBe(before);
  });

  it('a client that disconnects mid-request gets its transaction rolled back and its connection released', async () => {
    const server = t.app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    const pool = (t.app.get(DataSource).driver as unknown as { master: Pool }).master;
    const req = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/test-only/write-then-wait?name=abandoned&ms=400',
      headers: a.auth,
    });
    const closed = new Promise<void>((resolve) => req.on('error', () => resolve()).on('close', () => resolve()));
    req.end();
    // the write is made once the request holds a connection (connections are taken lazily)
    await eventually(() => expect(pool.totalCount - pool.idleCount).toBeGreaterThan(0));
    req.destroy();
    await closed;
    // the connection comes back either by the rollback (abort seen) or after a commit (abort
    // ignored, 400 ms later): only once it is back is the outcome final
    await eventually(() => expect(pool.idleCount).toBe(pool.totalCount), { timeoutMs: 5000 });
    expect(await count('abandoned')).toBe(0);
    const ok = await t.http.get('/api/resources').set(a.auth);
    expect(ok.status).toBe(200);
  });
});
