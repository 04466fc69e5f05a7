import { Injectable } from '@nestjs/common';
import { CacheGeneration, RedisConnection } from '@cascade/cache';

/** What readiness reports about Redis. Never a reason to be unready: see ready() in health.controller.ts. */
export type RedisState = 'up' | 'degraded' | 'not_configured';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisConnection,
    private readonly generation: CacheGeneration,
  ) {}

  /** `degraded`: not connected, or connected but the cache not yet re-checked (served from the database meanwhile). */
  state(): RedisState {
    if (!this.redis.client) return 'not_configured';
    return this.redis.ready && this.generation.trusted() ? 'up' : 'degraded';
  }
}
