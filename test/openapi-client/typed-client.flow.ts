/**
 * A REST consumer's program, written only against the client generated from CASCADE's served
 * OpenAPI document (`openapi-typescript` → `cascade-api`, `openapi-fetch` for the calls): no
 * hand-written type, no `any`, no cast. test/e2e/openapi-client.e2e-spec.ts generates the types,
 * compiles this file with `tsc` (strict) and runs it with Node against a live server — so a field
 * the document renames, drops or retypes fails the compile before anything runs.
 *
 * Input (environment): CASCADE_URL, PLATFORM_TOKEN (a platform admin's bearer token), TENANT_SLUG,
 * OWNER_EMAIL, OWNER_PASSWORD. Output: one JSON line, the FlowReport, on stdout; a step that does
 * not answer as the contract says ends the process with exit code 1 and says which.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from 'cascade-api';

type ErrorResponse = components['schemas']['ErrorResponse'];

/** What the flow saw, for the test to hold against the contract. */
interface FlowReport {
  tenant: { id: string; slug: string; plan: string; status: string };
  max_workrooms: number;
  token_type: string;
  resources: {
    created: string[];
    /** ids read page by page (limit=1) by following next_cursor until it is null */
    listed: string[];
    pages: number;
    read_name: string;
    patched: { name: string; data: Record<string, unknown> };
    delete_status: number;
    after_delete: { status: number; error: ErrorResponse['error'] };
  };
  quota: {
    workrooms_created: number;
    status: number;
    error: ErrorResponse['error'];
    resource: string | undefined;
    limit: number | undefined;
    usage_workrooms: number;
  };
}

const QUOTA_WORKROOMS = 2;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** The body of a success, or a clear failure naming the step, the status and the error body. */
function ok<T, E>(step: string, answer: { data?: T; error?: E; response: Response }): T {
  if (answer.data === undefined) throw new Error(`${step}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
  return answer.data;
}

/** The ErrorResponse of a refusal, or a clear failure when the step succeeded. */
function refused<T>(step: string, answer: { data?: T; error?: ErrorResponse; response: Response }): ErrorResponse {
  if (answer.error === undefined) throw new Error(`${step}: expected a refusal, got ${answer.response.status}`);
  return answer.error;
}

async function main(): Promise<FlowReport> {
  const baseUrl = env('CASCADE_URL');
  const slug = env('TENANT_SLUG');
  const email = env('OWNER_EMAIL');
  const password = env('OWNER_PASSWORD');

  // Platform admin: a tenant on the smallest plan, then an even lower workroom quota.
  const platform = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${env('PLATFORM_TOKEN')}` } });
  const tenant = ok(
    'create tenant',
    await platform.POST('/api/tenants', { body: { name: `Client flow ${slug}`, slug, plan: 'free', owner: { email, password } } }),
  );
  const quota = ok(
    'set quota',
    await platform.PUT('/api/tenants/{id}/quota', { params: { path: { id: tenant.id } }, body: { max_workrooms: QUOTA_WORKROOMS } }),
  );

  // The tenant's owner signs in; every later call carries the token.
  const anonymous = createClient<paths>({ baseUrl });
  const login = ok(
    'login',
    await anonymous.POST('/api/auth/login', { params: { header: { 'X-Tenant-ID': slug } }, body: { email, password } }),
  );
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `${login.token_type} ${login.access_token}` } });

  // Resources: create two, list them a page at a time, read, patch, delete, read again.
  const created = [
    ok('create resource 1', await api.POST('/api/resources', { body: { name: 'first', data: { color: 'blue' } } })),
    ok('create resource 2', await api.POST('/api/resources', { body: { name: 'second' } })),
  ];
  const listed: string[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = ok('list resources', await api.GET('/api/resources', { params: { query: { limit: 1, cursor } } }));
    pages += 1;
    listed.push(...page.items.map((r) => r.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && pages < 10);
  const [first] = created;
  if (!first) throw new Error('no resource created');
  const byId = { params: { path: { id: first.id } } };
  const read = ok('get resource', await api.GET('/api/resources/{id}', byId));
  const patched = ok('patch resource', await api.PATCH('/api/resources/{id}', { ...byId, body: { name: 'first, renamed' } }));
  const deleted = await api.DELETE('/api/resources/{id}', byId);
  if (deleted.error) throw new Error(`delete resource: ${deleted.response.status} ${JSON.stringify(deleted.error)}`);
  const gone = await api.GET('/api/resources/{id}', byId);
  const missing = refused('get deleted resource', gone);

  // Workrooms until the quota says no; the refusal is the typed ErrorResponse.
  let workrooms = 0;
  let full: { status: number; body: ErrorResponse } | undefined;
  while (!full && workrooms <= QUOTA_WORKROOMS) {
    const room = await api.POST('/api/workrooms', { body: { name: `room ${workrooms + 1}` } });
    if (room.data) workrooms += 1;
    else full = { status: room.response.status, body: refused('create workroom', room) };
  }
  if (!full) throw new Error(`quota of ${QUOTA_WORKROOMS} workrooms never refused a create`);
  const usage = ok('get quota', await api.GET('/api/quota')).usage;

  return {
    tenant: { id: tenant.id, slug: tenant.slug, plan: tenant.plan, status: tenant.status },
    max_workrooms: quota.limits.max_workrooms,
    token_type: login.token_type,
    resources: {
      created: created.map((r) => r.id),
      listed,
      pages,
      read_name: read.name,
      patched: { name: patched.name, data: patched.data },
      delete_status: deleted.response.status,
      after_delete: { status: gone.response.status, error: missing.error },
    },
    quota: {
      workrooms_created: workrooms,
      status: full.status,
      error: full.body.error,
      resource: full.body.resource,
      limit: full.body.limit,
      usage_workrooms: usage.workrooms,
    },
  };
}

main().then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
