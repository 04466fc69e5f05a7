import { TestApp } from '../support/test-app';

/**
 * DB_MODE on plain PostgreSQL: `postgres` (the default) keeps readiness as it was; `citus` adds
 * the `citus` check, which must fail here, naming what is missing — an app told it runs on a
 * Citus coordinator must not report ready on a server that is not one. (Readiness on a real
 * coordinator, with its workers, is in test/citus/.)
 */
describe('DB_MODE and readiness', () => {
  let postgres: TestApp;
  let citus: TestApp;
  beforeAll(async () => {
    postgres = await TestApp.start();
    citus = await TestApp.start({ env: { DB_MODE: 'citus' } });
  });
  afterAll(async () => {
    await citus?.close();
    await postgres?.close();
  });

  it('postgres mode: ready, with the same checks as before and no citus entry', async () => {
    const ready = await postgres.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.details).sort()).toEqual(['database', 'draining', 'migrations']);
  });

  it('citus mode on plain PostgreSQL: not ready, the citus check down and saying what to install; the rest up', async () => {
    const ready = await citus.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      error: 'unavailable',
      message: 'not ready: citus',
      checks: {
        database: { status: 'up' },
        migrations: { status: 'up' },
        citus: {
          status: 'down',
          message: expect.stringMatching(/^the citus extension is not installed in this database: .*CREATE EXTENSION citus;/),
        },
      },
    });
    // requests themselves are served: readiness is what keeps traffic away
    const tenant = await citus.createTenant();
    expect((await citus.http.get('/api/resources').set(tenant.auth)).status).toBe(200);
  });
});
