import { Client } from 'pg';
import { poolIsolationSuite } from '../suites/pool-isolation.suite';
import { TEST_APP_PASSWORD, TEST_APP_ROLE } from '../setup/test-env';
import { TestDatabase } from '../support/test-database';
import { TestApp } from '../support/test-app';
import { TestPgBouncer } from '../support/test-pgbouncer';

/**
 * Everything tenant-scoped is transaction-local, so PgBouncer in TRANSACTION mode is safe: the
 * same suites as the direct runs, through a real PgBouncer whose two server connections are shared
 * by every tenant's transactions. No driver setting is needed: node-postgres sends parameterised
 * queries as unnamed prepared statements, which transaction pooling supports.
 */
const available = TestPgBouncer.available();
if (!available) {
  process.stdout.write('[skipped] PgBouncer suites: pgbouncer is not installed (`apt-get install pgbouncer`)\n');
  it.skip('PgBouncer suites (pgbouncer is not installed — `apt-get install pgbouncer`)', () => undefined);
} else {
  let bouncer: TestPgBouncer | undefined;
  const users = [{ name: TEST_APP_ROLE, password: TEST_APP_PASSWORD }];

  afterAll(async () => bouncer?.stop());

  poolIsolationSuite(
    'pool isolation through PgBouncer (transaction mode, 2 server connections)',
    async () => {
      const db = await TestDatabase.create();
      bouncer ??= await TestPgBouncer.start(db.adminUrl, users, 2);
      return TestApp.start({
        database: db,
        env: { DATABASE_URL: bouncer.url(db.appUrl), DB_POOL_SIZE: '8', DB_CONNECT_TIMEOUT_MS: '60000' },
        ownDatabase: true,
      });
    },
    8,
  );

  describe('no tenant context survives across pooled server connections', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await TestDatabase.create();
      bouncer ??= await TestPgBouncer.start(db.adminUrl, users, 2);
      await db.query(
        `INSERT INTO cascade.tenants (id, slug, name, plan) VALUES ('01a21bb1-0000-7000-8000-0000000000b1', 'pgb-a', 'A', 'standard')`,
      );
      await db.query(
        `INSERT INTO cascade.resources (tenant_id, id, name) VALUES ('01a21bb1-0000-7000-8000-0000000000b1', gen_random_uuid(), 'a-row')`,
      );
    });
    afterAll(() => db.drop());

    it('a tenant transaction on one client leaves nothing for the next client on the same server connection', async () => {
      const url = bouncer!.url(db.appUrl);
      const clients = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const c = new Client({ connectionString: url });
          await c.connect();
          return c;
        }),
      );
      try {
        let leaks = 0;
        let checks = 0;
        for (let round = 0; round < 40; round++) {
          await Promise.all(
            clients.map(async (c, i) => {
              if (i % 2 === 0) {
                await c.query('BEGIN');
                await c.query(
                  `SELECT set_config('role', 'cascade_tenant', true), set_config('app.current_tenant', '01a21bb1-0000-7000-8000-0000000000b1', true)`,
                );
                const rows = await c.query('SELECT name FROM cascade.resources');
                expect(rows.rows).toEqual([{ name: 'a-row' }]);
                await c.query('COMMIT');
              } else {
                const r = await c.query(
                  `SELECT current_user AS usr, coalesce(current_setting('app.current_tenant', true), '') AS tenant, inet_server_port() AS port`,
                );
                checks++;
                if (r.rows[0].usr !== TEST_APP_ROLE || r.rows[0].tenant !== '') leaks++;
              }
            }),
          );
        }
        expect(checks).toBe(120);
        expect(leaks).toBe(0);
        // and the login itself still sees nothing outside a transaction
        await expect(clients[1].query('SELECT * FROM cascade.resources')).rejects.toThrow(/permission denied/);
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    });
  });
}
