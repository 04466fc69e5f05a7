import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { RedisStore } from 'cache-manager-redis-yet';
import { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@cascade/core';
import { InjectMetric, M } from '@cascade/metrics';

/** The redis (v4) client that cache-manager-redis-yet is written for. */
export type RedisClient = RedisStore['client'];

// Resolved from cache-manager-redis-yet's own location, so it is that package's redis (v4),
// not another major version hoisted for a different dependency.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require(require.resolve('redis', { paths: [require.resolve('cache-manager-redis-yet')] })) as {
  createClient: (options: object) => RedisClient;
};

/**
 * The process's Redis connections (a command client and a subscriber), when REDIS_URL is set.
 * They never block start-up or requests: while Redis is away commands fail at once
 * (no offline queue), callers fall back, and the client reconnects in the background.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  readonly client: RedisClient | null;
  readonly subscriber: RedisClient | null;
  private lastErrorLog = 0;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectMetric(M.redisUp) private readonly up: Gauge,
  ) {
    if (!config.redisUrl) {
      this.client = null;
      this.subscriber = null;
      return;
    }
    const options = {
      url: config.redisUrl,
      disableOfflineQueue: true,
      socket: { connectTimeout: 1000, reconnectStrategy: (attempt: number) => Math.min(50 * 2 ** attempt, 2000) },
    };
    this.client = createClient(options);
    this.subscriber = createClient(options);
    for (const c of [this.client, this.subscriber]) c.on('error', (err: Error) => this.logError(err));
    this.up.set(0);
    this.client.on('ready', () => this.up.set(1));
    for (const event of ['end', 'error', 'reconnecting']) this.client.on(event, () => this.up.set(this.ready ? 1 : 0));
  }

  /** Connected now (false without REDIS_URL). */
  get ready(): boolean {
    return this.client?.isReady ?? false;
  }

  async onModuleInit(): Promise<void> {
    if (!this.client || !this.subscriber) return;
    const connecting = Promise.all([this.client.connect(), this.subscriber.connect()]);
    connecting.catch((err: Error) => this.logError(err));
    // Wait briefly so the first requests find Redis; never block start-up on it.
    await Promise.race([connecting.catch(() => undefined), new Promise((r) => setTimeout(r, 1500).unref())]);
    if (!this.ready) this.logger.warn('Redis is not reachable yet: serving from the database and in-process limits until it is');
  }

  async onApplicationShutdown(): Promise<void> {
    const open = [this.client, this.subscriber].filter((c): c is RedisClient => c?.isOpen === true);
    await Promise.all(open.map((c) => c.disconnect().catch(() => undefined)));
  }

  /** One line per 10 s at most: an outage must not flood the logs. */
  logError(err: Error): void {
    if (Date.now() - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = Date.now();
    this.logger.warn(`Redis unavailable (${err.message}); degrading to the database`);
  }
}
