import { TestApp } from './test-app';
import { OwnRedis, sharedRedisUrl } from './test-redis';

/**
 * Whether a Redis can be had for this run (REDIS_URL, or a redis-server to start), decided when
 * the file loads so the tests that need one are declared skipped — and counted as skipped —
 * instead of returning early and counting as passed.
 */
export function redisAvailable(): boolean {
  return Boolean(process.env.REDIS_URL) || OwnRedis.available();
}

/** `describe` when Redis is available, else `describe.skip` with the reason printed. */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisAvailable()) {
    describe(name, body);
    return;
  }
  process.stdout.write(`[skipped] ${name}: no REDIS_URL and no redis-server installed\n`);
  describe.skip(name, body);
}

/** Two app instances (replicas) on one database and one Redis, registered with jest's hooks. */
export function twoReplicas() {
  const pair = { one: undefined as unknown as TestApp, two: undefined as unknown as TestApp };
  let stopRedis = async () => undefined as void;
  beforeAll(async () => {
    const redis = await sharedRedisUrl();
    stopRedis = redis.stop;
    if (!redis.url) throw new Error('no Redis: declare these tests with describeWithRedis');
    pair.one = await TestApp.start({ env: { REDIS_URL: redis.url } });
    pair.two = await TestApp.start({ env: { REDIS_URL: redis.url }, database: pair.one.db, jwtSecret: pair.one.config.jwtSecret });
  });
  afterAll(async () => {
    await pair.two?.close();
    await pair.one?.close();
    await stopRedis();
  });
  return { pair };
}
