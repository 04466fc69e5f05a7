import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '@cascade/cache';

/** Redis answers PING (only when REDIS_URL is configured). */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  async check(key: string) {
    const i = this.indicator.check(key);
    const client = this.redis.client;
    if (!client) return i.up({ configured: false });
    try {
      const pong = await Promise.race([
        client.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return pong === 'PONG' ? i.up() : i.down({ message: 'unexpected answer' });
    } catch {
      return i.down({ message: 'unreachable' });
    }
  }
}
