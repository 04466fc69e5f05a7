import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Response } from 'supertest';
import { ERROR_CODES } from '@cascade/core';
import { mismatches, OpenApiDoc, Operation, resolve } from '../support/openapi-schema';
import { listRoutes } from '../support/routes';
import { TestApp } from '../support/test-app';

const REDOCLY = path.resolve(__dirname, '../../tools/openapi-lint/node_modules/@redocly/cli/bin/cli.js');
const PUBLIC_OPERATIONS = ['POST /api/auth/login', 'POST /api/auth/refresh', 'GET /health/live', 'GET /health/ready'];
/** Served but not part of the API: Prometheus text (guarded by its own token) and this document itself. */
const UNDOCUMENTED = /^\/(metrics|docs)(\/|$)|^\/docs-/;

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

const key = (method: string, template: string) => `${method.toUpperCase()} ${template.replace(/\{(\w+)\}/g, ':$1')}`;

/** REST consumers generate their client from the OpenAPI document: it must be complete, typed and lint-clean. */
describe('OpenAPI at /docs', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  let operations: { key: string; method: string; template: string; op: Operation }[];

  beforeAll(async () => {
    t = await TestApp.start();
    doc = (await t.http.get('/docs/openapi.json').expect(200)).body as OpenApiDoc;
    operations = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: key(method, template), method, template, op })),
    );
  });
  afterAll(() => t.close());

  it('documents every served route, and only those', () => {
    const documented = new Set(operations.map((o) => o.key));
    const served = listRoutes(t.app)
      .filter((r) => !UNDOCUMENTED.test(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(25);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((d) => !served.includes(d))).toEqual([]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it("passes Redocly CLI's recommended ruleset with 0 errors", async () => {
    if (!existsSync(REDOCLY)) throw new Error('Redocly CLI is not installed in tools/openapi-lint: run `npm run pretest` once');
    const dir = mkdtempSync(path.join(tmpdir(), 'cascade-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const run = await promisify(execFile)(process.execPath, [REDOCLY, 'lint', file, '--extends=recommended', '--format=json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' })); // exits 1 on errors
      const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: LintProblem[] };
      process.stdout.write(
        `[openapi] Redocly CLI lint --extends=recommended: ${report.totals.errors} errors, ${report.totals.warnings} warnings, ${report.totals.ignored} ignored\n`,
      );
      const describe = (p: LintProblem) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`;
      expect(report.problems.filter((p) => p.severity === 'error').map(describe)).toEqual([]);
      // Warnings too, so a clean document stays clean — but one: the product is proprietary
      // (package.json: UNLICENSED), so info.license names that and has no licence text to link.
      expect(report.problems.filter((p) => p.ruleId !== 'info-license-strict').map(describe)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives every operation a summary, a tag, declared security, a typed 2xx and an ErrorResponse for every error', () => {
    const problems: string[] = [];
    for (const { key: k, op } of operations) {
      if (!op.summary) problems.push(`${k}: no summary`);
      if (!op.tags?.length) problems.push(`${k}: no tag`);
      if (!Array.isArray(op.security)) problems.push(`${k}: security not declared`);
      else if (PUBLIC_OPERATIONS.includes(k) ? op.security.length !== 0 : !op.security.some((s) => 'bearer' in s)) {
        problems.push(`${k}: security ${JSON.stringify(op.security)}`);
      }
      const statuses = Object.keys(op.responses);
      const ok = statuses.filter((s) => /^2\d\d$/.test(s));
      if (ok.length !== 1) problems.push(`${k}: ${ok.length} 2xx answers`);
      for (const s of ok) {
        const content = op.responses[s].content;
        if (s === '204') {
          if (content) problems.push(`${k}: 204 with a body`);
        } else if (!content || !Object.values(content).every((c) => c.schema && Object.keys(c.schema).length > 0)) {
          problems.push(`${k}: ${s} without a schema`);
        }
        if (!op.responses[s].headers?.['X-Request-Id']) problems.push(`${k}: ${s} without X-Request-Id`);
      }
      for (const s of statuses.filter((x) => /^[45]\d\d$/.test(x))) {
        const schema = op.responses[s].content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ErrorResponse') problems.push(`${k}: ${s} is not an ErrorResponse`);
      }
      const needs = (status: string, why: string) => !statuses.includes(status) && problems.push(`${k}: no ${status} although ${why}`);
      needs('500', 'anything can fail');
      if (!PUBLIC_OPERATIONS.includes(k)) needs('401', 'it needs a token');
      if (op.requestBody) needs('400', 'it takes a body');
      for (const p of op.parameters ?? []) {
        if (p.in === 'path') {
          if (p.schema?.format !== 'uuid') problems.push(`${k}: path parameter ${p.name} is not a uuid`);
          needs('400', `${p.name} may be malformed`);
          needs('404', `${p.name} may name nothing of the caller's`);
        }
        if (p.in === 'query' && p.name === 'limit' && !(p.schema?.type === 'integer' && p.schema && 'minimum' in p.schema)) {
          problems.push(`${k}: limit is not an integer with bounds`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names every machine code of the contract in ErrorResponse, with resource and limit for quota_exceeded', () => {
    const error = resolve(doc, { $ref: '#/components/schemas/ErrorResponse' });
    expect(error.required).toEqual(expect.arrayContaining(['statusCode', 'error', 'message']));
    const property = error.properties!.error;
    const codes = resolve(doc, property.allOf?.[0] ?? property).enum;
    expect(codes).toEqual(ERROR_CODES);
    const contract =
      'validation_failed tenant_required unauthorized forbidden tenant_mismatch tenant_suspended quota_exceeded feature_not_enabled not_found tenant_not_found conflict slug_taken email_taken payload_too_large rate_limited too_many_concurrent_requests unavailable idempotency_key_reused idempotency_in_progress';
    expect(codes).toEqual(expect.arrayContaining(contract.split(' ')));
    expect(Object.keys(error.properties!)).toEqual(expect.arrayContaining(['resource', 'limit']));
  });

  it('documents the headers: Idempotency-Key and Idempotent-Replayed on creating POSTs, RateLimit-* and Retry-After, multipart upload', () => {
    const op = (k: string) => operations.find((o) => o.key === k)!.op;
    for (const k of ['POST /api/resources', 'POST /api/users', 'POST /api/workrooms', 'POST /api/files', 'POST /api/tenants']) {
      expect(op(k).parameters?.find((p) => p.name === 'Idempotency-Key')).toMatchObject({ in: 'header', required: false });
      const created = op(k).responses['201'];
      expect(Object.keys(created.headers ?? {})).toEqual(expect.arrayContaining(['Idempotent-Replayed', 'X-Request-Id']));
      expect(op(k).responses['422'].description).toContain('idempotency_key_reused');
      expect(op(k).responses['409'].description).toContain('idempotency_in_progress');
    }
    const list = op('GET /api/resources');
    expect(Object.keys(list.responses['200'].headers ?? {})).toEqual(
      expect.arrayContaining(['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']),
    );
    expect(Object.keys(list.responses['429'].headers ?? {})).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Reset']));
    const upload = op('POST /api/files').requestBody!.content['multipart/form-data'].schema!;
    expect(resolve(doc, upload).properties?.file).toMatchObject({ type: 'string', format: 'binary' });
  });

  it('describes what a real session actually answers: every body matches the documented schema of its status', async () => {
    const a = await t.createTenant();
    const seen: string[] = [];
    const findings: string[] = [];
    const check = (res: Response, method: string, template: string): Response => {
      findings.push(...conformance(res, method, template));
      return res;
    };
    function conformance(res: Response, method: string, template: string): string[] {
      const findings: string[] = [];
      const k = key(method, template);
      const op = operations.find((o) => o.key === k)?.op;
      const documented = op?.responses[String(res.status)];
      seen.push(`${k} ${res.status}`);
      if (!documented) return [`${k}: answered ${res.status}, which is not documented`];
      if (!res.headers['x-request-id']) findings.push(`${k}: no X-Request-Id`);
      for (const [name] of Object.entries(documented.headers ?? {})) {
        const conditional = ['Idempotent-Replayed', 'Retry-After', 'Location', 'ETag', 'Content-Disposition', 'Content-Length'];
        if (!conditional.includes(name) && res.headers[name.toLowerCase()] === undefined)
          findings.push(`${k} ${res.status}: no ${name} header`);
      }
      const schema = documented.content?.['application/json']?.schema;
      if (schema) findings.push(...mismatches(doc, schema, res.body).map((m) => `${k} ${res.status}: ${m}`));
      else if (res.status !== 204 && !documented.content) findings.push(`${k} ${res.status}: a body with no documented schema`);
      return findings;
    }
    const auth = a.auth;

    const login = await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email: a.ownerEmail, password: a.ownerPassword });
    check(login, 'post', '/api/auth/login');
    check(
      await t.http.post('/api/auth/login').set('X-Tenant-ID', a.slug).send({ email: a.ownerEmail, password: 'wrong-password' }),
      'post',
      '/api/auth/login',
    );
    check(await t.http.post('/api/auth/refresh').send({ refresh_token: login.body.refresh_token }), 'post', '/api/auth/refresh');

    const createK1 = async () =>
      check(
        await t.http
          .post('/api/resources')
          .set(auth)
          .set('Idempotency-Key', 'k-1')
          .send({ name: 'r', data: { a: 1 } }),
        'post',
        '/api/resources',
      );
    const created = await createK1();
    const replay = await createK1();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    check(await t.http.post('/api/resources').set(auth).set('Idempotency-Key', 'k-1').send({ name: 'other' }), 'post', '/api/resources');
    const id = created.body.id as string;
    check(await t.http.get('/api/resources?limit=1').set(auth), 'get', '/api/resources');
    check(await t.http.get(`/api/resources/${id}`).set(auth), 'get', '/api/resources/{id}');
    check(await t.http.patch(`/api/resources/${id}`).set(auth).send({ name: 'renamed' }), 'patch', '/api/resources/{id}');
    check(await t.http.get('/api/resources/not-a-uuid').set(auth), 'get', '/api/resources/{id}');
    check(await t.http.get('/api/resources/search?q=re').set(auth), 'get', '/api/resources/search');
    check(await t.http.delete(`/api/resources/${id}`).set(auth), 'delete', '/api/resources/{id}');
    check(await t.http.get(`/api/resources/${id}`).set(auth), 'get', '/api/resources/{id}');
    check(await t.http.get('/api/resources'), 'get', '/api/resources');

    check(await t.http.put(`/api/tenants/${a.id}/quota`).set(t.platformAuth).send({ max_workrooms: 1 }), 'put', '/api/tenants/{id}/quota');
    const room = check(await t.http.post('/api/workrooms').set(auth).send({ name: 'w' }), 'post', '/api/workrooms');
    const full = check(await t.http.post('/api/workrooms').set(auth).send({ name: 'w2' }), 'post', '/api/workrooms');
    expect(full.body).toMatchObject({ statusCode: 403, error: 'quota_exceeded', resource: 'workrooms', limit: 1 });
    check(await t.http.get(`/api/workrooms/${room.body.id}`).set(auth), 'get', '/api/workrooms/{id}');
    check(await t.http.get('/api/workrooms').set(auth), 'get', '/api/workrooms');

    const user = check(
      await t.http.post('/api/users').set(auth).send({ email: 'm@x.example', password: 'longenough1' }),
      'post',
      '/api/users',
    );
    check(await t.http.post('/api/users').set(auth).send({ email: 'm@x.example', password: 'longenough1' }), 'post', '/api/users');
    check(await t.http.get('/api/users').set(auth), 'get', '/api/users');
    check(await t.http.get(`/api/users/${user.body.id}`).set(auth), 'get', '/api/users/{id}');
    check(await t.http.delete(`/api/users/${user.body.id}/sessions`).set(auth), 'delete', '/api/users/{id}/sessions');

    const file = check(await t.http.post('/api/files').set(auth).attach('file', Buffer.from('hello'), 'h.txt'), 'post', '/api/files');
    check(await t.http.get(`/api/files/${file.body.id}`).set(auth), 'get', '/api/files/{id}');
    check(await t.http.get('/api/files').set(auth), 'get', '/api/files');

    check(await t.http.get('/api/quota').set(auth), 'get', '/api/quota');
    check(await t.http.get('/api/tenant').set(auth), 'get', '/api/tenant');
    check(await t.http.get('/api/audit?limit=5').set(auth), 'get', '/api/audit');
    check(await t.http.get(`/api/tenants/${a.id}`).set(t.platformAuth), 'get', '/api/tenants/{id}');
    check(await t.http.get('/api/tenants?limit=2').set(t.platformAuth), 'get', '/api/tenants');
    check(await t.http.get('/health/live'), 'get', '/health/live');
    check(await t.http.get('/health/ready'), 'get', '/health/ready');
    check(await t.http.post('/api/auth/logout').set(auth), 'post', '/api/auth/logout');

    expect(findings).toEqual([]);
    // the flow really went through errors too, not only the happy path
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /api/resources 422',
        'GET /api/resources/:id 404',
        'GET /api/resources/:id 400',
        'POST /api/users 409',
      ]),
    );
  });
});
