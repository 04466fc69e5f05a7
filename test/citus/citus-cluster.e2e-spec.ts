import { runMigrations } from '../../libs/database/src/migrate';
import { runCitusCli } from '../cli/cli-harness';
import { citusUrl, describeWithCitus } from '../support/citus';
import { TestApp } from '../support/test-app';
import { TestDatabase, withClient } from '../support/test-database';

/**
 * CASCADE on a real Citus coordinator (CITUS_URL; see test/support/citus.ts): the operator's
 * commands in order — migrate, `citus roles`, `citus distribute` twice — then the app in
 * DB_MODE=citus through the coordinator: isolation between two tenants (in the API and in SQL on
 * the workers), exact quotas, the platform admin's listing, readiness with the workers.
 */
describeWithCitus('CASCADE on a Citus coordinator', () => {
  // the body is also read when the suite is skipped: nothing here may need CITUS_URL until beforeAll
  const url = citusUrl() ?? '';
  let db: TestDatabase;
  let app: TestApp;
  const outputs: { first: string; second: string } = { first: '', second: '' };

  const citus = (args: string[]) => runCitusCli(args, db);
  /** pg_dist_partition of schema cascade and the shard count: what a second run must not change. */
  const distribution = () =>
    db.query(
      `SELECT p.logicalrelid::text AS table, p.partmethod, p.repmodel, p.colocationid,
              (SELECT count(*) FROM pg_dist_shard s WHERE s.logicalrelid = p.logicalrelid) AS shards
         FROM pg_dist_partition p WHERE p.logicalrelid::text LIKE 'cascade.%' ORDER BY 1`,
    );

  beforeAll(async () => {
    db = TestDatabase.external(url);
    await runMigrations({ databaseUrl: url, dbConnectTimeoutMs: 10_000 });
    const roles = await citus(['roles', '--coordinator-cidr', process.env.CITUS_COORDINATOR_CIDR ?? '127.0.0.1/32']);
    if (roles.code !== 0) throw new Error(`cascade citus roles failed (${roles.code}):\n${roles.stdout}${roles.stderr}`);
    const first = await citus(['distribute']);
    if (first.code !== 0) throw new Error(`cascade citus distribute failed (${first.code}):\n${first.stdout}${first.stderr}`);
    outputs.first = first.stdout;
    app = await TestApp.start({ database: db, env: { DB_MODE: 'citus', BASE_DOMAIN: 'cascade.test' } });
  }, 600_000);
  afterAll(() => app?.close());

  it('distribute: every tenant table by tenant_id in one co-location group, the rest reference tables, RLS on every shard', async () => {
    expect(outputs.first).toMatch(/\[1\/\d+\] cascade\.\w+: /);
    const tables = await db.query<{ table_name: string; citus_table_type: string; distribution_column: string; colocation_id: number }>(
      `SELECT table_name::text, citus_table_type, distribution_column, colocation_id FROM citus_tables WHERE table_name::text LIKE 'cascade.%' ORDER BY 1`,
    );
    const tenantTables = (
      await db.query<{ t: string }>(
        `SELECT 'cascade.' || c.relname AS t FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
          WHERE c.relnamespace = 'cascade'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1`,
      )
    ).map((r) => r.t);
    const distributed = tables.filter((t) => t.citus_table_type === 'distributed');
    expect(distributed.map((t) => t.table_name)).toEqual(tenantTables);
    expect(new Set(distributed.map((t) => `${t.distribution_column}/${t.colocation_id}`)).size).toBe(1);
    expect(distributed[0].distribution_column).toBe('tenant_id');
    expect(tables.filter((t) => t.citus_table_type === 'reference').map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        'cascade.cache_generation',
        'cascade.platform_idempotency_keys',
        'cascade.platform_token_revocations',
        'cascade.tenants',
      ]),
    );
    const shards = await db.query<{ success: boolean; result: string }>(
      `SELECT success, result FROM run_command_on_shards('cascade.resources', $$SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = '%s'::regclass$$)`,
    );
    expect(shards.length).toBeGreaterThan(0);
    expect(shards.filter((s) => !(s.success && s.result === 't'))).toEqual([]);
  });

  it('distribute run again: "already" for every table, nothing to do, nothing changed', async () => {
    const before = await distribution();
    const second = await citus(['distribute']);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    const steps = second.stdout.split('\n').filter((l) => /^\[\d+\/\d+\] /.test(l));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.filter((l) => !/: already (a reference table|distributed) /.test(l))).toEqual([]);
    expect(second.stdout).toMatch(/nothing to do: all \d+ tables are already distributed as planned\n$/);
    expect(await distribution()).toEqual(before);
  });

  it('isolation between two tenants through the coordinator: 404 on the other tenant’s ids, never its rows — in the API and on the workers', async () => {
    const a = await app.createTenant();
    const b = await app.createTenant();
    const created = await app.http
      .post('/api/resources')
      .set(a.auth)
      .send({ name: 'a-secret', data: { owner: a.id } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await app.http.get(`/api/resources/${id}`).set(a.auth)).status).toBe(200);
    for (const res of [
      await app.http.get(`/api/resources/${id}`).set(b.auth),
      await app.http.patch(`/api/resources/${id}`).set(b.auth).send({ name: 'taken' }),
      await app.http.delete(`/api/resources/${id}`).set(b.auth),
    ]) {
      expect(res.status).toBe(404);
    }
    const listB = await app.http.get('/api/resources?limit=100').set(b.auth);
    expect(listB.body.items.map((r: { id: string }) => r.id)).not.toContain(id);
    expect((await app.http.get(`/api/resources/${id}`).set(a.auth)).body.name).toBe('a-secret');

    // On the workers: the tenant reaches them (SET LOCAL propagated), and row-level security there
    // hides A's rows from B even when the predicate names A.
    const countAs = (tenant: string) =>
      withClient(url, async (c) => {
        await c.query('BEGIN');
        await c.query('SET LOCAL ROLE cascade_tenant');
        await c.query(`SET LOCAL app.current_tenant = '${tenant}'`);
        const n = (await c.query<{ n: string }>('SELECT count(*) AS n FROM cascade.resources WHERE tenant_id = $1', [a.id])).rows[0].n;
        await c.query('ROLLBACK');
        return Number(n);
      });
    expect(await countAs(a.id)).toBe(1);
    expect(await countAs(b.id)).toBe(0);
  });

  it('quotas are exact: 20 parallel workroom creates against 5 free slots admit exactly 5', async () => {
    const a = await app.createTenant();
    await app.http.put(`/api/tenants/${a.id}/quota`).set(app.platformAuth).send({ max_workrooms: 5 }).expect(200);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.http
          .post('/api/workrooms')
          .set(a.auth)
          .send({ name: `room ${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(15);
    expect((await app.http.get('/api/quota').set(a.auth)).body.usage.workrooms).toBe(5);
  });

  it('the platform admin lists tenants across the cluster (the tenants reference table) and reads each', async () => {
    const a = await app.createTenant();
    const b = await app.createTenant();
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await app.http.get(`/api/tenants?limit=100${cursor ? `&cursor=${cursor}` : ''}`).set(app.platformAuth);
      expect(res.status).toBe(200);
      for (const t of res.body.items as { id: string }[]) seen.add(t.id);
      cursor = res.body.next_cursor ?? undefined;
      if (!cursor) break;
    }
    expect([seen.has(a.id), seen.has(b.id)]).toEqual([true, true]);
    expect((await app.http.get(`/api/tenants/${b.id}`).set(app.platformAuth)).body.slug).toBe(b.slug);
  });

  it('readiness reports the workers this app reaches as cascade_platform', async () => {
    const ready = await app.http.get('/health/ready');
    expect(ready.status).toBe(200);
    const check = ready.body.details.citus;
    expect(check.status).toBe('up');
    expect(check.workers.total).toBeGreaterThan(0);
    expect(check.workers.reachable).toBe(check.workers.total);
  });
});
