import { EventEmitter } from 'node:events';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase, freePort, runMigrations, startEmbeddedPostgres } from '@cascade/database';
import { ConcurrencyLimiter } from '@cascade/quotas';
import { installGracefulShutdown } from '../../apps/api/src/lifecycle/graceful-shutdown';
import { eventually } from '../support/eventually';
import { FailingModule } from '../support/failing.controller';
import { TestApp } from '../support/test-app';

describe('graceful shutdown', () => {
  it('SIGTERM during 50 in-flight requests: readiness turns 503, all 50 complete, exit code 0', async () => {
    const t = await TestApp.start({ modules: [FailingModule], env: { DB_POOL_SIZE: '50', DB_CONNECT_TIMEOUT_MS: '60000', SHUTDOWN_GRACE_MS: '60000' } });
    const a = await t.createTenant();
    const server = t.app.getHttpServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const signals = new EventEmitter();
    let exitCode: number | undefined;
    const exited = new Promise<void>((resolve) =>
      installGracefulShutdown(t.app, { graceMs: 60_000, signals, exit: (code) => ((exitCode = code), resolve()) }),
    );
    // one connection per request, so all 50 are truly in flight when the signal comes
    const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
    const post = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.request(`${base}${path}`, { method: 'POST', headers: a.auth, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
    const inFlight = Array.from({ length: 50 }, (_, i) => post(`/test-only/write-then-wait?name=drain${i}&ms=5000`));
    // wait until all 50 are inside the app (past the guards, holding a concurrency slot)
    const limiter = t.app.get(ConcurrencyLimiter);
    await eventually(() => expect(limiter.current(a.id)).toBe(50), { timeoutMs: 20_000, intervalMs: 25 });
    signals.emit('SIGTERM');
    const ready = await fetch(`${base}/health/ready`)
      .then((r) => r.status)
      .catch(() => 'refused');
    const statuses = await Promise.all(inFlight);
    await exited;
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(['refused', 503]).toContain(ready);
    expect(exitCode).toBe(0);
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM cascade.resources WHERE name LIKE 'drain%'`);
    expect(rows[0].n).toBe(50);
    await t.db.drop();
  });
});

/**
 * A PostgreSQL of this test's own, on a fixed port, that can be stopped and started again (the
 * embedded server, which also runs where its OS user cannot enter the checkout's parent folder).
 */
async function startPg(dir: string, port: number): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedPostgres({ dir, port, database: 'postgres' });
  if (db.port !== port) throw new Error(`port ${port} was taken: the outage test needs the same address again`);
  return db;
}

describe('database outage', () => {
  let pg: EmbeddedDatabase;
  let port: number;
  let t: TestApp;
  const dir = join(tmpdir(), `cascade-test-outage-${process.pid}`);

  beforeAll(async () => {
    port = await freePort();
    pg = await startPg(dir, port);
    await runMigrations({ databaseUrl: pg.url, dbConnectTimeoutMs: 5000 });
    const external = { appUrl: pg.url, adminUrl: pg.url, query: async () => [], drop: async () => undefined };
    t = await TestApp.start({ env: { DB_CONNECT_TIMEOUT_MS: '1500' }, database: external as never });
  }, 120_000);
  afterAll(async () => {
    await t?.app.close();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 quickly while PostgreSQL is away, says so in readiness, and recovers by itself', async () => {
    const a = await t.createTenant();
    await t.http.get('/api/resources').set(a.auth).expect(200);
    expect((await t.http.get('/health/ready')).status).toBe(200);

    await pg?.stop();
    const started = Date.now();
    const during = await t.http.post('/api/resources').set(a.auth).send({ name: 'during outage' });
    const took = Date.now() - started;
    expect(during.status).toBe(503);
    expect(during.body).toEqual({ statusCode: 503, error: 'unavailable', message: expect.any(String) });
    expect(took).toBeLessThan(5000);
    const ready = await t.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      error: 'unavailable',
      message: expect.stringContaining('database'),
      checks: { database: { status: 'down' } },
    });
    expect((await t.http.get('/health/live')).status).toBe(200);

    // PostgreSQL comes back on the same address: the service recovers without a restart.
    pg = await startPg(dir, port);
    await eventually(async () => expect((await t.http.get('/health/ready')).status).toBe(200), { timeoutMs: 20_000, intervalMs: 200 });
    await t.http.post('/api/resources').set(a.auth).send({ name: 'after outage' }).expect(201);
    const names = (await t.http.get('/api/resources?limit=100').set(a.auth)).body.items.map((r: { name: string }) => r.name);
    expect(names).toContain('after outage');
    expect(names).not.toContain('during outage');
    process.stdout.write(`[operations] outage request answered 503 in ${took} ms; ready again after restart\n`);
  }, 90_000);
});
