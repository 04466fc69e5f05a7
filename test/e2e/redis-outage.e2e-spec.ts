import { CacheGeneration, RedisConnection, TenantCache } from '@cascade/cache';
import { eventually } from '../support/eventually';
import { TenantSession, TestApp } from '../support/test-app';
import { OwnRedis } from '../support/test-redis';

const available = OwnRedis.available();
const describeIfRedis = available ? describe : describe.skip;
if (!available)
  process.stdout.write('[redis-outage] skipped: redis-server is not installed (it must be started and stopped by the test)\n');

/** Polls /health/ready on each app until stopped, recording every answer. */
function watchReadiness(apps: TestApp[]) {
  const seen: { status: number; redis: unknown }[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const app of apps) {
        const res = await app.http.get('/health/ready');
        seen.push({ status: res.status, redis: res.body.redis });
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    seen,
    stop: async () => {
      running = false;
      await loop;
      return seen;
    },
  };
}

describeIfRedis('Redis with persistence stopped and restarted: no replica serves a value older than the last acknowledged write', () => {
  let redis: OwnRedis;
  let one: TestApp;
  let two: TestApp;
  let dying: TestApp;
  let a: TenantSession;

  beforeAll(async () => {
    redis = await OwnRedis.start({ persistent: true });
    one = await TestApp.start({ env: { REDIS_URL: redis.url } });
    two = await TestApp.start({ env: { REDIS_URL: redis.url }, database: one.db, jwtSecret: one.config.jwtSecret });
    dying = await TestApp.start({ env: { REDIS_URL: redis.url }, database: one.db, jwtSecret: one.config.jwtSecret });
    a = await one.createTenant();
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await redis?.destroy();
  });

  it('writes on two replicas (and on a third that dies before Redis returns) are what every read on both sees afterwards; readiness 200 throughout', async () => {
    const names = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5'];
    const ids: string[] = [];
    for (const name of names)
      ids.push(
        (
          await one.http
            .post('/api/resources')
            .set(a.auth)
            .send({ name: `${name}-v1` })
            .expect(201)
        ).body.id,
      );
    // Both replicas read everything: the v1 values are now cached in Redis.
    for (const app of [one, two]) for (const id of ids) await app.http.get(`/api/resources/${id}`).set(a.auth).expect(200);
    const cache = () => one.app.get(TenantCache).forTenant(a.id);
    for (const [i, id] of ids.entries()) expect(await cache().get(`resource:${id}`)).toMatchObject({ name: `${names[i]}-v1` });

    const readiness = watchReadiness([one, two]);
    try {
      await outageAndReturn(ids, names);
    } finally {
      await readiness.stop();
    }
    expect(readiness.seen.filter((r) => r.status !== 200)).toEqual([]);
    expect(readiness.seen.some((r) => r.redis === 'degraded')).toBe(true);
    process.stdout.write(
      `[redis-outage] ${readiness.seen.length} readiness probes on the two replicas during the outage and after: all 200\n`,
    );
  }, 90_000);

  /** Stops Redis, writes on every replica, brings Redis back with its data, and reads. */
  async function outageAndReturn(ids: string[], names: string[]) {
    const cache = () => one.app.get(TenantCache).forTenant(a.id);
    await redis.kill('SIGTERM'); // a clean stop: the append-only file keeps every key
    await eventually(async () => expect((await two.http.get('/health/ready')).body.redis).toBe('degraded'), { timeoutMs: 5000 });

    // Writes while Redis is away, on every replica. The last write to r0 is on replica two.
    await one.http.patch(`/api/resources/${ids[0]}`).set(a.auth).send({ name: 'r0-v2-one' }).expect(200);
    await two.http.patch(`/api/resources/${ids[1]}`).set(a.auth).send({ name: 'r1-v2-two' }).expect(200);
    await one.http.delete(`/api/resources/${ids[2]}`).set(a.auth).expect(204);
    await two.http.delete(`/api/resources/${ids[3]}`).set(a.auth).expect(204);
    await two.http.patch(`/api/resources/${ids[0]}`).set(a.auth).send({ name: 'r0-v3-two' }).expect(200);
    // A third replica writes, then is gone before Redis comes back: nobody is left who saw its
    // invalidations fail — only what it committed with its writes.
    await dying.http.patch(`/api/resources/${ids[4]}`).set(a.auth).send({ name: 'r4-v2-dying' }).expect(200);
    await dying.http.delete(`/api/resources/${ids[5]}`).set(a.auth).expect(204);
    await dying.close();

    const expected: (string | null)[] = ['r0-v3-two', 'r1-v2-two', null, null, 'r4-v2-dying', null];
    const check = async (app: TestApp, i: number) => {
      const res = await app.http.get(`/api/resources/${ids[i]}`).set(a.auth);
      const seen = res.status === 404 ? null : res.body.name;
      expect({ resource: names[i], seen }).toEqual({ resource: names[i], seen: expected[i] });
    };
    // during the outage: from the database
    for (const app of [one, two]) for (let i = 0; i < ids.length; i++) await check(app, i);

    await redis.revive(); // same port, same append-only file
    // Redis really kept its data: the v1 entries are still in it.
    const raw = one.app.get(RedisConnection).client!;
    await eventually(() => expect(raw.isReady).toBe(true), { timeoutMs: 10_000 });
    const kept = await raw.get(`tenant:${a.id}:resource:${ids[0]}`);
    expect(kept).toContain('r0-v1');

    // Every read from the moment Redis is back, on both replicas, sees the last write —
    // while they reconnect, re-check the cache and fill it again.
    let rounds = 0;
    const until = Date.now() + 3000;
    while (Date.now() < until || rounds < 5) {
      for (const app of [one, two]) for (let i = 0; i < ids.length; i++) await check(app, i);
      rounds++;
    }
    // …and the cache is in use again, holding the new values.
    await eventually(
      async () => {
        for (const app of [one, two]) expect(app.app.get(CacheGeneration).trusted()).toBe(true);
        for (const app of [one, two]) for (let i = 0; i < ids.length; i++) await check(app, i);
        expect(await cache().get(`resource:${ids[0]}`)).toMatchObject({ name: 'r0-v3-two' });
        // the kept v1 entry of a resource deleted during the outage is gone, not served
        expect(await raw.get(`tenant:${a.id}:resource:${ids[2]}`)).toBeNull();
      },
      { timeoutMs: 10_000 },
    );
    await eventually(async () => expect((await one.http.get('/health/ready')).body.redis).toBe('up'), { timeoutMs: 5000 });

    process.stdout.write(`[redis-outage] ${rounds} rounds of ${ids.length * 2} reads after Redis returned, all current\n`);
  }
});

describeIfRedis('a replica cut off from Redis while the others reach it', () => {
  let redis: OwnRedis;
  let one: TestApp;
  let cutOff: TestApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    one = await TestApp.start({ env: { REDIS_URL: redis.url } });
    // Nothing listens on port 9 here: this replica never reaches Redis.
    cutOff = await TestApp.start({ env: { REDIS_URL: 'redis://127.0.0.1:9' }, database: one.db, jwtSecret: one.config.jwtSecret });
  });
  afterAll(async () => {
    await cutOff?.close();
    await one?.close();
    await redis?.destroy();
  });

  it(`its writes are seen by the others within the stated bound (${CacheGeneration.STALE_MS} ms after commit), deletes included`, async () => {
    const a = await one.createTenant();
    const { body } = await one.http.post('/api/resources').set(a.auth).send({ name: 'before' }).expect(201);
    await one.http.get(`/api/resources/${body.id}`).set(a.auth).expect(200);
    expect(await one.app.get(TenantCache).forTenant(a.id).get(`resource:${body.id}`)).toMatchObject({ name: 'before' });

    const ready = await cutOff.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.redis).toBe('degraded');

    await cutOff.http.delete(`/api/resources/${body.id}`).set(a.auth).expect(204);
    const committed = Date.now();
    let stale = 0;
    let lastStaleAt = committed;
    await eventually(
      async () => {
        const res = await one.http.get(`/api/resources/${body.id}`).set(a.auth);
        if (res.status === 200) {
          stale++;
          lastStaleAt = Date.now();
        }
        expect(res.status).toBe(404);
      },
      { timeoutMs: 5000 },
    );
    const window = lastStaleAt - committed;
    process.stdout.write(
      `[redis-outage] cut-off replica's delete: ${stale} stale reads on the other replica, the last ${window} ms after commit\n`,
    );
    // the bound, plus the time one request takes on a loaded machine
    expect(window).toBeLessThan(CacheGeneration.STALE_MS + 500);
    for (let i = 0; i < 20; i++) await one.http.get(`/api/resources/${body.id}`).set(a.auth).expect(404);
  }, 60_000);
});
