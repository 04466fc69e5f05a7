import { Injectable, OnModuleInit } from '@nestjs/common';
import { caching, Cache } from 'cache-manager';
import { redisInsStore } from 'cache-manager-redis-yet';
import { Counter } from 'prom-client';
import { isUuid } from '@cascade/core';
import { InjectMetric, M } from '@cascade/metrics';
import { RedisConnection } from './redis-connection';

export const DEFAULT_TTL_MS = 60_000;

/** The cache as one tenant sees it: every key is `tenant:<id>:<key>`, built here, never by callers. */
export interface TenantScopedCache {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /** Stores only if the key is absent, so a slow reader never overwrites a writer's newer value. */
  add<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  del(...keys: string[]): Promise<void>;
}

/**
 * cache-manager with the cache-manager-redis-yet store when REDIS_URL is set (shared by every
 * replica), its in-memory store otherwise. A failing cache is a miss, never an error: the caller
 * reads the database, and a metric and a (rate-limited) log line say so.
 */
@Injectable()
export class TenantCache implements OnModuleInit {
  private cache: Cache;

  constructor(
    private readonly redis: RedisConnection,
    @InjectMetric(M.cacheRequests) private readonly requests: Counter<'result'>,
    @InjectMetric(M.cacheErrors) private readonly errors: Counter<'operation'>,
  ) {}

  async onModuleInit(): Promise<void> {
    this.cache = this.redis.client
      ? await caching(redisInsStore(this.redis.client, { ttl: DEFAULT_TTL_MS }))
      : await caching('memory', { max: 50_000, ttl: DEFAULT_TTL_MS });
  }

  forTenant(tenantId: string): TenantScopedCache {
    if (!isUuid(tenantId)) throw new Error('Cache keys need a tenant id (uuid)');
    const prefix = `tenant:${tenantId.toLowerCase()}:`;
    return {
      get: async <T>(key: string) => {
        try {
          const value = await this.cache.get<T>(prefix + key);
          this.requests.inc({ result: value === undefined || value === null ? 'miss' : 'hit' });
          return value ?? undefined;
        } catch (err) {
          this.failed('get', err);
          return undefined;
        }
      },
      set: async <T>(key: string, value: T, ttlMs = DEFAULT_TTL_MS) => {
        try {
          await this.cache.set(prefix + key, value, ttlMs);
        } catch (err) {
          this.failed('set', err);
        }
      },
      add: async <T>(key: string, value: T, ttlMs = DEFAULT_TTL_MS) => {
        try {
          const client = this.redis.client;
          if (client) await client.set(prefix + key, JSON.stringify(value), { PX: ttlMs, NX: true });
          else if ((await this.cache.get(prefix + key)) === undefined) await this.cache.set(prefix + key, value, ttlMs);
        } catch (err) {
          this.failed('add', err);
        }
      },
      del: async (...keys: string[]) => {
        try {
          await Promise.all(keys.map((k) => this.cache.del(prefix + k)));
        } catch (err) {
          this.failed('del', err);
        }
      },
    };
  }

  /** Drops the whole tenant namespace (tenant deletion): SCAN in batches, never KEYS. */
  async flushTenant(tenantId: string): Promise<void> {
    if (!isUuid(tenantId)) throw new Error('Cache keys need a tenant id (uuid)');
    const pattern = `tenant:${tenantId.toLowerCase()}:*`;
    try {
      const client = this.redis.client;
      if (client) {
        let batch: string[] = [];
        for await (const key of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
          batch.push(String(key));
          if (batch.length >= 500) {
            await client.unlink(batch);
            batch = [];
          }
        }
        if (batch.length) await client.unlink(batch);
      } else {
        const keys = (await this.cache.store.keys()).filter((k) => k.startsWith(pattern.slice(0, -1)));
        if (keys.length) await this.cache.store.mdel(...keys);
      }
    } catch (err) {
      this.failed('flush', err);
    }
  }

  private failed(operation: string, err: unknown): void {
    this.requests.inc({ result: 'error' });
    this.errors.inc({ operation });
    this.redis.logError(err as Error);
  }
}
