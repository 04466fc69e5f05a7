import { TestApp } from './test-app';
import { sharedRedisUrl } from './test-redis';

/**
 * Two app instances (replicas) on one database and one Redis, registered with jest's hooks.
 * `pair.available` is false when no Redis can be had; tests then say they were skipped.
 */
export function twoReplicas(label: string) {
  const pair = { one: undefined as unknown as TestApp, two: undefined as unknown as TestApp, available: false };
  let stopRedis = async () => undefined as void;
  beforeAll(async () => {
    const redis = await sharedRedisUrl();
    stopRedis = redis.stop;
    if (!redis.url) return;
    pair.one = await TestApp.start({ env: { REDIS_URL: redis.url } });
    pair.two = await TestApp.start({ env: { REDIS_URL: redis.url }, database: pair.one.db, jwtSecret: pair.one.config.jwtSecret });
    pair.available = true;
  });
  afterAll(async () => {
    await pair.two?.close();
    await pair.one?.close();
    await stopRedis();
  });
  return {
    pair,
    /** True (and says so) when the test cannot run here. */
    skipped(): boolean {
      if (pair.available) return false;
      process.stdout.write(`[${label}] skipped: no REDIS_URL and no redis-server installed\n`);
      return true;
    },
  };
}
