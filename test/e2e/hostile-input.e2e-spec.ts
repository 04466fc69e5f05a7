import { Logger } from '@nestjs/common';
import { AddressInfo, createConnection } from 'node:net';
import { gzipSync } from 'node:zlib';
import { TenantSession, TestApp } from '../support/test-app';

const SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

/** Sends raw bytes and returns the raw answer (the server closes after a parse error). */
function rawRequest(port: number, bytes: Buffer | string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts).toString('latin1')));
    s.on('error', reject);
    s.end(bytes);
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head, body: JSON.parse(body) };
}

describe('hostile input is a 4xx in the contract shape, never a 5xx', () => {
  let t: TestApp;
  let a: TenantSession;
  let port: number;

  beforeAll(async () => {
    t = await TestApp.start();
    a = await t.createTenant();
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('JSON nested 5,000 levels on the anonymous login is a 400, quickly, with no stack in the answer', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const deep = '{"email":' + '['.repeat(5000) + ']'.repeat(5000) + ',"password":"x"}';
    const started = Date.now();
    const res = await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).set('Content-Type', 'application/json').send(deep);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusCode: 400, error: 'validation_failed', message: expect.stringContaining('nested deeper') });
    expect(Date.now() - started).toBeLessThan(2000);
    const objects = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    const res2 = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send(objects);
    expect(res2.status).toBe(400);
    // brackets inside strings do not count as nesting
    const inString = await t.http
      .post('/api/resources')
      .set(a.auth)
      .send({ name: '[[[[', data: { s: '{'.repeat(1000) } });
    expect(inString.status).toBe(201);
    expect(logged).not.toHaveBeenCalled(); // no stack trace (nor any error line) logged
    logged.mockRestore();
  });

  it('Content-Encoding: gzip, deflate, br (broken or not) → 415 on any route, before authentication', async () => {
    for (const enc of ['gzip', 'deflate', 'br', 'compress', 'gzip, identity']) {
      for (const body of ['{"name":"x"}', gzipSync('{"name":"x"}')]) {
        const res = await t.http.post('/api/resources').set('Content-Encoding', enc).set('Content-Type', 'application/json').send(body);
        expect({ enc, status: res.status }).toEqual({ enc, status: 415 });
        expect(res.body).toEqual({ statusCode: 415, error: 'unsupported_media_type', message: expect.any(String) });
      }
    }
    const login = await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).set('Content-Encoding', 'gzip').send({ email: 'x' });
    expect(login.status).toBe(415);
    const identity = await t.http.post('/api/resources').set(a.auth).set('Content-Encoding', 'identity').send({ name: 'plain' });
    expect(identity.status).toBe(201);
  });

  it('invalid Unicode is a 400: unpaired surrogates (escaped) and invalid UTF-8 bytes', async () => {
    const lone = await t.http
      .post('/api/auth/login')
      .set('X-Tenant-ID', a.slug)
      .set('Content-Type', 'application/json')
      .send('{"email":"\\ud800@x.test","password":"whatever"}');
    expect(lone.status).toBe(400);
    expect(lone.body).toEqual({ statusCode: 400, error: 'validation_failed', message: expect.stringContaining('Unicode') });
    const key = await t.http
      .post('/api/resources')
      .set(a.auth)
      .set('Content-Type', 'application/json')
      .send('{"name":"k","data":{"\\udfff":1}}');
    expect(key.status).toBe(400);
    // superagent would serialise a Buffer as JSON: send the bytes as they are
    const bytes = await fetch(`http://127.0.0.1:${port}/api/resources`, {
      method: 'POST',
      headers: { ...a.auth, 'Content-Type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]),
    });
    expect(bytes.status).toBe(400);
    expect(((await bytes.json()) as { message: string }).message).toContain('UTF-8');
    const pair = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send('{"name":"\\ud83d\\ude00"}');
    expect(pair.status).toBe(201);
    expect(pair.body.name).toBe('😀');
  });

  it('__proto__, constructor and prototype keys anywhere in a body → 400 validation_failed, nothing created', async () => {
    for (const body of [
      '{"__proto__":{"polluted":true},"name":"p"}',
      '{"name":"p","constructor":{"prototype":{"polluted":true}}}',
      '{"name":"p","data":{"deep":[{"prototype":1}]}}',
      '{"name":"p","data":{"__proto__":null}}',
    ]) {
      const res = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send(body);
      expect({ body, status: res.status, error: res.body.error }).toEqual({ body, status: 400, error: 'validation_failed' });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM cascade.resources WHERE tenant_id = $1 AND name = 'p'`, [a.id]);
    expect(rows[0].n).toBe(0);
  });

  it('an upper-case UUID is the same id: same cache entry, same audit resource_id, no stale read after a write', async () => {
    const { body } = await t.http.post('/api/resources').set(a.auth).send({ name: 'v1' });
    const upper = body.id.toUpperCase();
    expect((await t.http.get(`/api/resources/${upper}`).set(a.auth)).body).toMatchObject({ id: body.id, name: 'v1' });
    expect((await t.http.get(`/api/resources/${body.id}`).set(a.auth)).body.name).toBe('v1');
    await t.http.patch(`/api/resources/${upper}`).set(a.auth).send({ name: 'v2' }).expect(200);
    expect((await t.http.get(`/api/resources/${body.id}`).set(a.auth)).body.name).toBe('v2');
    expect((await t.http.get(`/api/resources/${upper}`).set(a.auth)).body.name).toBe('v2');
    await t.http.delete(`/api/resources/${body.id}`).set(a.auth).expect(204);
    expect((await t.http.get(`/api/resources/${upper}`).set(a.auth)).status).toBe(404);
    const audit = await t.db.query(
      `SELECT DISTINCT resource_id::text AS id FROM cascade.audit_events WHERE tenant_id = $1 AND resource_id = $2`,
      [a.id, body.id],
    );
    expect(audit.map((r) => r.id)).toEqual([body.id]);
  });

  it("what Node's parser refuses (431, malformed request line, raw bytes in the path) is JSON with a request id", async () => {
    const big = parseRaw(await rawRequest(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`));
    expect(big.status).toBe(431);
    expect(big.body).toEqual({ statusCode: 431, error: 'header_too_large', message: expect.any(String) });
    expect(big.headers).toMatch(/X-Request-Id: [0-9a-f-]{36}/);
    for (const bad of [
      'GARBAGE\r\n\r\n',
      'GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n',
      Buffer.concat([Buffer.from('GET /api/'), Buffer.from([0x00, 0xff, 0x7f]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nzzz\r\n',
    ]) {
      const answer = parseRaw(await rawRequest(port, bad));
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ ...SHAPE, statusCode: 400 });
      expect(answer.headers).toMatch(/X-Request-Id: [0-9a-f-]{36}/);
    }
  });
});
