import http, { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { TenantSession, TestApp } from '../support/test-app';

const SHAPE = { statusCode: expect.any(Number), error: expect.any(String), message: expect.any(String) };

/**
 * Where Fastify's defaults differ from what this API answered under Express, the HTTP layer is
 * set to the API's behaviour: these are the settings that say so.
 */
describe('the HTTP layer answers as the API always has', () => {
  let t: TestApp;
  let a: TenantSession;
  let id: string;

  beforeAll(async () => {
    t = await TestApp.start({ env: { KEEP_ALIVE_TIMEOUT_MS: '61000', REQUEST_TIMEOUT_MS: '120000' } });
    a = await t.createTenant();
    id = (await t.http.post('/api/resources').set(a.auth).send({ name: 'routed' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  it('routes without regard to a trailing slash or the letter case of the path', async () => {
    for (const path of ['/api/resources/', '/API/Resources', `/api/resources/${id}/`, `/api/RESOURCES/${id.toUpperCase()}`]) {
      const res = await t.http.get(path).set(a.auth);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('hands a long path parameter to its route (400 from the id check, not a router 404)', async () => {
    const res = await t.http.get(`/api/resources/${'a'.repeat(500)}`).set(a.auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ ...SHAPE, statusCode: 400, error: 'validation_failed' });
  });

  it('answers a path parameter that is not valid percent-encoding with a 400 in the contract shape, with a request id and the security headers', async () => {
    const res = await t.http.get('/api/resources/%E0%A4%A').set(a.auth);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ ...SHAPE, statusCode: 400, error: 'validation_failed' });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('drops a fragment from the request target instead of reading it into the query', async () => {
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    // node:http sends the target as given (a browser would not send the fragment at all)
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/resources?limit=1#top', headers: a.auth }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    expect(status).toBe(200);
  });

  it('takes an empty JSON body as {} (validation answers), and a DELETE with a JSON content type and no body', async () => {
    const empty = await t.http.post('/api/resources').set(a.auth).set('Content-Type', 'application/json').send('');
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual({ ...SHAPE, statusCode: 400, error: 'validation_failed' });
    const del = await t.http.delete(`/api/resources/${id}`).set(a.auth).set('Content-Type', 'application/json');
    expect(del.status).toBe(204);
  });

  it('keeps idle connections and slow requests as configured', () => {
    const server = t.app.getHttpServer() as Server;
    expect(server.keepAliveTimeout).toBe(61000);
    expect(server.headersTimeout).toBe(62000);
    expect(server.requestTimeout).toBe(120000);
  });
});

describe('CORS, when origins are configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start({ env: { CORS_ORIGINS: 'https://app.example' } });
  });
  afterAll(() => t.close());

  it('answers a preflight of an allowed origin for every method the API has, with a request id and the security headers', async () => {
    const res = await t.http
      .options('/api/resources')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'PATCH')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('names no other origin, and answers a bare OPTIONS without an error', async () => {
    const evil = await t.http.get('/health/live').set('Origin', 'https://evil.example');
    expect(evil.status).toBe(200);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await t.http.get('/health/live').set('Origin', 'https://app.example');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect((await t.http.options('/api/resources')).status).toBe(204);
  });
});
