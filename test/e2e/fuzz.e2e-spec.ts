import http from 'node:http';
import { AddressInfo, createConnection } from 'node:net';
import { gzipSync } from 'node:zlib';
import { TenantSession, TestApp } from '../support/test-app';

/**
 * A seeded fuzz over every operation of the served OpenAPI document: methods, ids, query shapes,
 * bodies, encodings and headers, chosen at random from hostile and ordinary values. Whatever is
 * sent: never a 5xx, every error in the contract's shape, no stack or SQL in any body.
 * Re-run a failure with FUZZ_SEED=<the printed seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 16;

function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return { next, pick, chance: (p: number) => next() < p };
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const LEAK =
  /(\bat [\w.<>]+ \(|\.ts:\d+|node_modules|QueryFailedError|syntax error at or near|\bSELECT\b.+\bFROM\b|\bINSERT INTO\b|\bcascade\.\w+)/i;

function send(agent: http.Agent, port: number, r: Sent): Promise<{ status: number; text: string; contentType: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(parts).toString('utf8'),
          contentType: String(res.headers['content-type'] ?? ''),
        }),
      );
      res.on('error', () => resolve({ status: -1, text: '', contentType: '' }));
    });
    req.on('error', (err) => resolve({ status: -1, text: err.message, contentType: '' }));
    req.end(r.body);
  });
}

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    const parts: Buffer[] = [];
    s.on('data', (d) => parts.push(d));
    s.on('end', () => resolve(Buffer.concat(parts).toString('latin1')));
    s.on('error', () => resolve(Buffer.concat(parts).toString('latin1')));
    s.end(Buffer.from(bytes, 'latin1'));
  });
}

describe(`seeded fuzz over the OpenAPI document (seed ${SEED})`, () => {
  let t: TestApp;
  let a: TenantSession;
  let b: TenantSession;
  let port: number;
  const own: Record<string, string> = {};
  const other: Record<string, string> = {};
  let spareTenant: string;

  beforeAll(async () => {
    t = await TestApp.start({
      env: { DB_POOL_SIZE: String(CONCURRENCY), ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}) },
    });
    [a, b] = await Promise.all([t.createTenant({ plan: 'enterprise' }), t.createTenant()]);
    const generous = { max_api_calls_per_minute: 2_000_000, max_concurrent_requests: 1000, max_users: 100000, max_workrooms: 100000 };
    await t.http.put(`/api/tenants/${a.id}/quota`).set(t.platformAuth).send(generous).expect(200);
    for (const [session, ids] of [
      [a, own],
      [b, other],
    ] as const) {
      ids.resources = (await t.http.post('/api/resources').set(session.auth).send({ name: 'seed' })).body.id;
      ids.users = (
        await t.http
          .post('/api/users')
          .set(session.auth)
          .send({ email: `m-${SEED}@x.example`, password: 'longenough1' })
      ).body.id;
      ids.workrooms = (await t.http.post('/api/workrooms').set(session.auth).send({ name: 'room' })).body.id;
      ids.files = (await t.http.post('/api/files').set(session.auth).attach('file', Buffer.from('bytes'), 'f.txt')).body.id;
    }
    spareTenant = (await t.createTenant()).id; // platform routes aim at it: deleting or suspending `a` would end the fuzz early
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it(`${REQUESTS} generated requests: no 5xx, errors in the contract shape, no stack or SQL`, async () => {
    const doc = JSON.parse((await send(new http.Agent(), port, { method: 'GET', path: '/docs/openapi.json', headers: {} })).text) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ path, method: method.toUpperCase() })),
    );
    expect(operations.length).toBeGreaterThan(20);
    const rnd = prng(SEED);
    const { pick, chance } = rnd;
    const randomUuid = () => 'xxxxxxxx-xxxx-7xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, () => Math.floor(rnd.next() * 16).toString(16));
    const nest = (depth: number, open: string, close: string) => open.repeat(depth) + '1' + close.repeat(depth);

    const idFor = (path: string): string => {
      const collection = path.split('/')[2];
      const mine = collection === 'tenants' ? spareTenant : (own[collection] ?? randomUuid());
      return pick([
        mine,
        mine,
        mine.toUpperCase(),
        other[collection] ?? randomUuid(),
        randomUuid(),
        'not-a-uuid',
        '123',
        '..%2F..%2Fetc%2Fpasswd',
        '%00',
        '%ED%A0%80',
        '%C3%A9',
        'x'.repeat(400),
        `${mine}%20`,
        `${mine.slice(0, 35)}Z`,
      ]);
    };
    const queries = [
      '',
      '',
      '?limit=5',
      '?limit=0',
      '?limit=101',
      '?limit=-1',
      '?limit=abc',
      '?limit=1e309',
      '?limit=1&limit=2',
      '?cursor=garbage',
      `?cursor=${'A'.repeat(3000)}`,
      '?cursor=eyJpZCI6IjEifQ',
      '?__proto__[polluted]=1',
      '?constructor[prototype][x]=1',
      '?a[b][c][d][e][f]=1',
      '?q=%ED%A0%80',
      '?q=%FF%FE',
      '?q=%',
      '?action=%00',
      `?since=${encodeURIComponent('2020-13-45')}`,
      '?since=2024-01-01T00:00:00Z&until=1999-01-01',
      `?actor_id=${encodeURIComponent('NOT-A-UUID')}`,
      '?q=abc&limit=3',
    ];
    const bodies: (() => { type?: string; body: Buffer | string })[] = [
      () => ({ type: 'application/json', body: JSON.stringify({ name: `n-${Math.floor(rnd.next() * 1e6)}` }) }),
      () => ({ type: 'application/json', body: JSON.stringify({ name: 'ok', data: { a: [1, { b: 'c' }] } }) }),
      () => ({ type: 'application/json', body: `{"name":"deep","data":${nest(5000, '[', ']')}}` }),
      () => ({ type: 'application/json', body: `{"email":${nest(5000, '{"a":', '}')},"password":"x"}` }),
      () => ({ type: 'application/json', body: `{"name":"x","data":${nest(40, '{"k":', '}')}}` }),
      () => ({ type: 'application/json', body: '{"__proto__":{"polluted":true},"name":"p"}' }),
      () => ({ type: 'application/json', body: '{"name":"p","constructor":{"prototype":{"polluted":1}}}' }),
      () => ({ type: 'application/json', body: '{"name":"p","data":{"x":[{"prototype":1}]}}' }),
      () => ({ type: 'application/json', body: '{"email":"\\ud800@x.test","password":"longenough1"}' }),
      () => ({ type: 'application/json', body: '{"name":"\\udc00"}' }),
      () => ({ type: 'application/json', body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
      () => ({ type: 'application/json', body: JSON.stringify({ name: 'x'.repeat(150_000) }) }),
      () => ({ type: 'application/json', body: JSON.stringify({ name: 'x'.repeat(5000), email: 'y'.repeat(5000) }) }),
      () => ({
        type: 'application/json',
        body: JSON.stringify({ name: 123, data: 'str', email: [], password: {}, role: 7, slug: null, plan: true }),
      }),
      () => ({ type: 'application/json', body: JSON.stringify({ name: 'a\u0000b', data: { 'k\u0000': 'v\u0000' } }) }),
      () => ({ type: 'application/json', body: '[]' }),
      () => ({ type: 'application/json', body: 'null' }),
      () => ({ type: 'application/json', body: '"a string"' }),
      () => ({ type: 'application/json', body: '12345678901234567890123' }),
      () => ({ type: 'application/json', body: '{"name":' }),
      () => ({ type: 'application/json', body: '' }),
      () => ({ type: 'application/json', body: JSON.stringify({ email: 'owner@x.example', password: 'longenough1', role: 'owner' }) }),
      () => ({
        type: 'application/json',
        body: JSON.stringify({ name: 'T', slug: `s-${Math.floor(rnd.next() * 1e9)}`, plan: pick(['free', 'nope', 'enterprise']) }),
      }),
      () => ({ type: 'application/json', body: JSON.stringify({ status: pick(['active', 'suspended', 'gone']), custom_domain: 'a..b' }) }),
      () => ({ type: 'application/json', body: JSON.stringify({ max_users: -1, max_api_calls_per_minute: 1e20, features: ['X Y'] }) }),
      () => ({ type: 'application/json; charset=latin1', body: '{"name":"x"}' }),
      () => ({ type: 'application/vnd.api+json', body: '{"name":"x"}' }),
      () => ({ type: 'text/plain', body: 'hello' }),
      () => ({ type: 'application/x-www-form-urlencoded', body: 'name=x&__proto__[a]=1' }),
      () => ({
        type: 'multipart/form-data; boundary=zz',
        body: '--zz\r\nContent-Disposition: form-data; name="file"; filename="../../x"\r\n\r\nabc\r\n--zz--\r\n',
      }),
      () => ({ type: 'multipart/form-data; boundary=zz', body: '--zz\r\ngarbage' }),
      () => ({ type: 'multipart/form-data', body: 'no boundary' }),
      () => ({ type: 'application/json', body: gzipSync('{"name":"gz"}') }),
      () => ({ body: 'no content type' }),
    ];
    const authFor = () =>
      pick<Record<string, string>>([
        a.auth,
        a.auth,
        a.auth,
        t.platformAuth,
        b.auth,
        {},
        { Authorization: 'Bearer garbage' },
        { Authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
        { Authorization: 'Basic Zm9vOmJhcg==' },
        { Authorization: `Bearer ${'a'.repeat(4000)}` },
      ]);
    const extraHeaders = () =>
      pick<Record<string, string>>([
        {},
        {},
        { 'X-Tenant-ID': a.slug },
        { 'X-Tenant-ID': b.id },
        { 'X-Tenant-ID': 'no-such-tenant' },
        { 'X-Tenant-ID': '%ED%A0%80' },
        { 'X-Tenant-ID': a.id.toUpperCase() },
        { 'X-Request-Id': 'bad id with spaces' },
        { 'X-Request-Id': 'r'.repeat(500) },
        { Host: 'evil.example' },
        { Host: `${a.slug}.cascade.test` },
        { 'X-Forwarded-For': '1.1.1.1, garbage' },
        { 'Content-Encoding': pick(['gzip', 'deflate', 'br', 'x-unknown', 'identity']) },
        { Accept: 'application/xml' },
        { 'Idempotency-Key': 'k'.repeat(300) },
      ]);

    const generate = (): Sent & { op: string } => {
      const op = pick(operations);
      const method = chance(0.1) ? pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) : op.method;
      const path = op.path.replace(/\{(\w+)\}/g, () => idFor(op.path)) + pick(queries);
      const headers: Record<string, string> = { ...authFor(), ...extraHeaders() };
      let body: Buffer | undefined;
      if (method !== 'GET' && method !== 'HEAD' && chance(0.9)) {
        const made = pick(bodies)();
        body = Buffer.isBuffer(made.body) ? made.body : Buffer.from(made.body, 'utf8');
        if (made.type) headers['Content-Type'] = made.type;
      }
      if (body) headers['Content-Length'] = String(body.length);
      return { method, path, headers, body, op: `${op.method} ${op.path}` };
    };
    const slow = new Map<string, { n: number; ms: number }>();

    const counts = new Map<string, number>();
    const failures: string[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    let issued = 0;
    const started = Date.now();
    const worker = async () => {
      while (issued < REQUESTS) {
        issued++;
        const r = generate();
        const t0 = Date.now();
        const res = await send(agent, port, r);
        const s = slow.get(r.op) ?? { n: 0, ms: 0 };
        slow.set(r.op, { n: s.n + 1, ms: s.ms + Date.now() - t0 });
        const key = String(res.status);
        counts.set(key, (counts.get(key) ?? 0) + 1);
        const what = `${r.method} ${r.path.slice(0, 120)} [${r.headers['Content-Type'] ?? '-'}; ${r.headers['Content-Encoding'] ?? '-'}]`;
        if (res.status >= 500 || res.status < 0) failures.push(`${res.status} ${what}: ${res.text.slice(0, 200)}`);
        if (LEAK.test(res.text) && res.status >= 400) failures.push(`leak ${res.status} ${what}: ${res.text.slice(0, 200)}`);
        if (res.status >= 400 && r.method !== 'HEAD') {
          let body: { statusCode?: unknown; error?: unknown; message?: unknown } = {};
          try {
            body = JSON.parse(res.text);
          } catch {
            body = {};
          }
          if (body.statusCode !== res.status || typeof body.error !== 'string' || typeof body.message !== 'string')
            failures.push(`shape ${res.status} ${what}: ${res.text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    agent.destroy();
    const tookMs = Date.now() - started;

    // What Node's parser answers itself: oversized headers, broken request lines, raw bytes.
    const rawCases = [
      `GET /api/resources HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nCookie: ${'c=1; '.repeat(4000)}\r\n\r\n`,
      'GET /api/\x00\xff HTTP/1.1\r\nHost: x\r\n\r\n',
      'NOT A REQUEST LINE\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'POST /api/resources HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      'GET /api/resources HTTP/1.1\r\nHost: x\r\nBad Header Name: v\r\n\r\n',
    ];
    for (const bytes of rawCases) {
      const answer = await raw(port, bytes);
      const [head, text] = answer.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      counts.set(`${status} (raw)`, (counts.get(`${status} (raw)`) ?? 0) + 1);
      let body: { statusCode?: unknown; error?: unknown; message?: unknown } = {};
      try {
        body = JSON.parse(text);
      } catch {
        body = {};
      }
      if (!(status >= 400 && status < 500) || body.statusCode !== status || typeof body.error !== 'string' || !/X-Request-Id: /i.test(head))
        failures.push(`raw ${JSON.stringify(bytes.slice(0, 60))}: ${answer.slice(0, 200)}`);
    }

    const table = [...counts.entries()]
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([s, n]) => `  ${s.padEnd(10)} ${String(n).padStart(6)}`);
    process.stdout.write(
      `[fuzz] seed ${SEED}: ${REQUESTS} requests over ${operations.length} operations in ${tookMs} ms (${Math.round((REQUESTS * 1000) / tookMs)}/s), + ${rawCases.length} raw\n` +
        `  status      count\n${table.join('\n')}\n` +
        `  slowest: ${[...slow.entries()]
          .map(([op, v]) => [op, Math.round(v.ms / v.n)] as const)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 4)
          .map(([op, ms]) => `${op} ${ms} ms`)
          .join(', ')}\n`,
    );
    expect({ seed: SEED, failures: failures.slice(0, 20), total: failures.length }).toEqual({ seed: SEED, failures: [], total: 0 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
