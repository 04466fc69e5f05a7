import { DataSource } from 'typeorm';
import { Pool } from 'pg';
import { eventually } from '../support/eventually';
import { TenantSession, TestApp } from '../support/test-app';

/**
 * Two pooled connections, ten tenants, hundreds of interleaved requests: every response holds only
 * the caller's rows, and afterwards every connection is back in the pool, none idle in a transaction.
 * Shared by the direct run and the run through PgBouncer (transaction pooling).
 */
export function poolIsolationSuite(title: string, start: () => Promise<TestApp>, appPoolSize: number): void {
  describe(title, () => {
    let t: TestApp;
    let tenants: TenantSession[];
    const perTenant = new Map<string, Set<string>>();

    beforeAll(async () => {
      t = await start();
      tenants = [];
      for (let i = 0; i < 10; i++) tenants.push(await t.createTenant());
      for (const tenant of tenants) {
        const ids = new Set<string>();
        for (let i = 0; i < 3; i++) {
          const res = await t.http
            .post('/api/resources')
            .set(tenant.auth)
            .send({ name: `r${i}`, data: { tenant: tenant.id } });
          ids.add(res.body.id);
        }
        perTenant.set(tenant.id, ids);
      }
    });
    afterAll(() => t.close());

    it('serves 400 interleaved requests with no row of another tenant in any answer', async () => {
      const calls: Promise<void>[] = [];
      let checked = 0;
      for (let i = 0; i < 400; i++) {
        const tenant = tenants[i % tenants.length];
        const own = perTenant.get(tenant.id) as Set<string>;
        const kind = i % 4;
        calls.push(
          (async () => {
            if (kind === 0) {
              const res = await t.http.get('/api/resources?limit=100').set(tenant.auth);
              expect(res.status).toBe(200);
              for (const item of res.body.items) expect(item.data.tenant).toBe(tenant.id);
              checked += res.body.items.length;
            } else if (kind === 1) {
              const id = [...own][i % own.size];
              const res = await t.http.get(`/api/resources/${id}`).set(tenant.auth);
              expect(res.status).toBe(200);
              expect(res.body.data.tenant).toBe(tenant.id);
              checked++;
            } else if (kind === 2) {
              // someone else's id, through the same two connections: never visible
              const other = tenants[(i + 1) % tenants.length];
              const foreign = [...(perTenant.get(other.id) as Set<string>)][0];
              const res = await t.http.get(`/api/resources/${foreign}`).set(tenant.auth);
              expect(res.status).toBe(404);
            } else {
              const res = await t.http
                .post('/api/resources')
                .set(tenant.auth)
                .send({ name: `w${i}`, data: { tenant: tenant.id } });
              expect(res.status).toBe(201);
            }
          })(),
        );
      }
      await Promise.all(calls);
      expect(checked).toBeGreaterThan(300);

      const rows = await t.db.query<{ tenant_id: string; tenant: string }>(
        `SELECT tenant_id, data->>'tenant' AS tenant FROM cascade.resources`,
      );
      expect(rows.filter((r) => r.tenant_id !== r.tenant)).toEqual([]);
    });

    it('leaves no connection idle in a transaction and the pool whole again', async () => {
      const pool = (t.app.get(DataSource).driver as unknown as { master: Pool }).master;
      await eventually(() => expect(pool.idleCount).toBe(pool.totalCount)); // releases finish after the last response
      expect(pool.waitingCount).toBe(0);
      expect(pool.totalCount).toBeLessThanOrEqual(appPoolSize);
      const stuck = await t.db.query(
        `SELECT state FROM pg_stat_activity WHERE datname = current_database() AND usename = 'cascade_test_app' AND state <> 'idle'`,
      );
      expect(stuck).toEqual([]);
    });
  });
}
