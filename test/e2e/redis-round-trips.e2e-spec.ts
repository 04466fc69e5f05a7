import { TenantSession, TestApp } from '../support/test-app';
import { describeWithRedis } from '../support/replicas';
import { TcpTap } from '../support/tcp-tap';
import { sharedRedisUrl } from '../support/test-redis';

/**
 * On the read path the rate limit and the cache lookup travel together: a cached read costs ONE
 * write to Redis (and so one round trip), not one per step. Counted on the wire, through a relay.
 */
describeWithRedis('Redis round trips on the read path', () => {
  let stopRedis: () => Promise<void>;
  let tap: TcpTap;
  let t: TestApp;
  let a: TenantSession;

  beforeAll(async () => {
    const redis = await sharedRedisUrl();
    stopRedis = redis.stop;
    const url = new URL(redis.url!);
    tap = await TcpTap.start({ host: url.hostname, port: Number(url.port || 6379) });
    url.host = `127.0.0.1:${tap.port}`;
    t = await TestApp.start({ env: { REDIS_URL: url.toString() } });
    a = await t.createTenant();
  });
  afterAll(async () => {
    await t?.close();
    await tap?.close();
    await stopRedis?.();
  });

  async function readCounted(id: string) {
    const from = tap.sent.length;
    const res = await t.http.get(`/api/resources/${id}`).set(a.auth);
    return { res, chunks: tap.chunksWith(a.id, from) };
  }

  it('a cache hit sends the rate-limit call and the lookup in one write', async () => {
    const { body } = await t.http.post('/api/resources').set(a.auth).send({ name: 'counted' }).expect(201);
    const miss = await readCounted(body.id);
    expect(miss.res.status).toBe(200);
    // a miss: limit + lookup (one write), then the reader's claim and its fill
    expect(miss.chunks[0]).toContain(`ratelimit:${a.id}`);
    expect(miss.chunks[0]).toContain(`tenant:${a.id}:resource:${body.id}`);

    const hit = await readCounted(body.id);
    expect(hit.res.status).toBe(200);
    expect(hit.res.body).toMatchObject({ id: body.id, name: 'counted' });
    expect(hit.chunks).toHaveLength(1);
    expect(hit.chunks[0]).toContain(`ratelimit:${a.id}`);
    expect(hit.chunks[0]).toContain(`tenant:${a.id}:resource:${body.id}`);
  });

  it('the prefetched value is not reused after a write in between: the next read sees the change', async () => {
    const { body } = await t.http.post('/api/resources').set(a.auth).send({ name: 'before' }).expect(201);
    await t.http.get(`/api/resources/${body.id}`).set(a.auth).expect(200);
    await t.http.patch(`/api/resources/${body.id}`).set(a.auth).send({ name: 'after' }).expect(200);
    const read = await readCounted(body.id);
    expect(read.res.body.name).toBe('after');
    expect(read.chunks).toHaveLength(1);
  });

  it('a malformed id prefetches nothing and answers 400', async () => {
    const read = await readCounted('not-a-uuid');
    expect(read.res.status).toBe(400);
    expect(read.chunks.join('')).not.toContain(':resource:');
  });
});
