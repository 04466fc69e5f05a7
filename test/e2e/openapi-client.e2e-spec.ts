import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { TestApp } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');
const TOOLS = path.join(ROOT, 'tools/openapi-lint/node_modules');
const OPENAPI_TYPESCRIPT = path.join(TOOLS, 'openapi-typescript/bin/cli.js');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const FLOW_DIR = path.join(ROOT, 'test/openapi-client');
const FLOW_FILE = path.join(FLOW_DIR, 'typed-client.flow.ts');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node script to its end; its exit code and output are the result, never an exception. */
function node(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * What a consumer does with the served document: generate a typed client (openapi-typescript +
 * openapi-fetch, the two commands of the README's "Generating a client"), compile a program against
 * it with `tsc`, run it. The program (test/openapi-client/typed-client.flow.ts) uses only generated
 * types, so a field the document renames, drops or retypes fails the type check, and a field the
 * code sends other than documented fails the run's expectations.
 *
 * The flow runs as its own Node process, not inside Jest: openapi-fetch would load here (it ships a
 * CommonJS build beside its ESM one), but importing the flow would pull its `cascade-api` import
 * (which exists only during this test) into the root tsconfig, and a separate program is exactly
 * what a consumer runs.
 */
describe('a typed client generated from the served OpenAPI document', () => {
  let t: TestApp;
  let baseUrl: string;
  let dir: string;
  const compiled = () => path.join(dir, 'typed-client.flow.js');

  beforeAll(async () => {
    if (!existsSync(OPENAPI_TYPESCRIPT) || !existsSync(path.join(TOOLS, 'openapi-fetch'))) {
      throw new Error('openapi-typescript / openapi-fetch are not installed in tools/openapi-lint: run `npm run pretest` once');
    }
    t = await TestApp.start();
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'cascade-client-'));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates the types from /docs/openapi.json and type-checks the flow against them with strict tsc: 0 errors', async () => {
    // the README's first command; a .ts file rather than .d.ts, so skipLibCheck does not skip it
    const types = path.join(dir, 'cascade-api.ts');
    const started = Date.now();
    const generated = await node([OPENAPI_TYPESCRIPT, `${baseUrl}/docs/openapi.json`, '--output', types]);
    expect({ code: generated.code, stderr: generated.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const source = readFileSync(types, 'utf8');
    expect(source).toContain('"/api/resources/{id}": {');
    expect(source).toContain('ErrorResponse: {');

    // extends the folder's tsconfig (strict settings, openapi-fetch's types); `paths` is replaced as a whole
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(FLOW_DIR, 'tsconfig.json'),
        compilerOptions: { paths: { 'cascade-api': [types.replace(/\.ts$/, '')], 'openapi-fetch': [path.join(TOOLS, 'openapi-fetch')] } },
        files: [FLOW_FILE],
      }),
    );
    const generatedAt = Date.now();
    const tsc = await node([TSC, '-p', path.join(dir, 'tsconfig.json'), '--noEmit', '--pretty', 'false']);
    process.stdout.write(
      `[openapi-client] openapi-typescript ${generatedAt - started} ms (${source.split('\n').length} lines), tsc ${Date.now() - generatedAt} ms\n`,
    );
    if (tsc.code !== 0) process.stdout.write(`[openapi-client] tsc against the generated client failed:\n${tsc.stdout}${tsc.stderr}\n`);
    expect({ code: tsc.code, errors: tsc.stdout + tsc.stderr }).toEqual({ code: 0, errors: '' });

    // Checked: now the JavaScript to run. Its one import of the generated file is `import type`, so
    // emitting the file on its own gives what tsc would.
    const js = ts.transpileModule(readFileSync(FLOW_FILE, 'utf8'), {
      fileName: FLOW_FILE,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true },
    });
    writeFileSync(compiled(), js.outputText);
  });

  it('runs the flow on the live server: tenant, login, resource create/list/get/patch/delete, quota_exceeded read from the typed error', async () => {
    if (!existsSync(compiled())) throw new Error('the flow did not type-check: see the test above');
    const slug = `client-${randomBytes(5).toString('hex')}`;
    const email = `owner@${slug}.example`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    const flow = await node([compiled()], {
      NODE_PATH: TOOLS, // where openapi-fetch lives, outside the app's dependencies
      CASCADE_URL: baseUrl,
      PLATFORM_TOKEN: t.platformToken(),
      TENANT_SLUG: slug,
      OWNER_EMAIL: email,
      OWNER_PASSWORD: password,
    });
    expect({ code: flow.code, stderr: flow.stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(flow.stdout);
    const created: string[] = report.resources.created;
    expect(report).toEqual({
      tenant: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), slug, plan: 'free', status: 'active' },
      max_workrooms: 2,
      token_type: 'Bearer',
      resources: {
        created: [expect.any(String), expect.any(String)],
        listed: created,
        pages: 2,
        read_name: 'first',
        patched: { name: 'first, renamed', data: { color: 'blue' } },
        delete_status: 204,
        after_delete: { status: 404, error: 'not_found' },
      },
      quota: { workrooms_created: 2, status: 403, error: 'quota_exceeded', resource: 'workrooms', limit: 2, usage_workrooms: 2 },
    });

    // what the flow did is really on the server, seen through the API rather than the flow's eyes
    const tenant = await t.http.get(`/api/tenants/${report.tenant.id}`).set(t.platformAuth).expect(200);
    expect(tenant.body).toMatchObject({ slug, plan: 'free' });
    const login = await t.http.post('/api/auth/login').set('X-Tenant-ID', slug).send({ email, password }).expect(200);
    const left = await t.http.get('/api/resources').set({ Authorization: `Bearer ${login.body.access_token}` });
    expect({ status: left.status, ids: left.body.items?.map((r: { id: string }) => r.id) }).toEqual({ status: 200, ids: [created[1]] });
  });
});
