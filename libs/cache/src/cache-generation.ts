import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Gauge } from 'prom-client';
import { EntityManager } from 'typeorm';
import { TransactionRunner } from '@cascade/database';
import { InjectMetric, M } from '@cascade/metrics';
import { RedisConnection } from './redis-connection';

const INCARNATION_KEY = 'cascade:cache:incarnation';
const SHARDS = 16;

/**
 * The cache generation: a number kept in PostgreSQL (sum of `cascade.cache_generation`) that
 * grows whenever the Redis cache may hold something older than the database, and that every
 * replica polls. A cache entry carries the generation its reader saw before reading the
 * database; an entry older than the replica's generation is ignored. Why this is enough, and
 * the bound it gives, is written down in ../README.md.
 *
 * It grows (by one, in the same transaction) when
 *  - a write could not mark its key in Redis (Redis away, or this replica cut off from it), and
 *  - a replica (re)connects to a Redis whose run_id is not the one the cache was written under
 *    (Redis restarted from its AOF/RDB, or failed over): such a Redis may have lost writes it had
 *    acknowledged, so nothing in it is trusted.
 *
 * A replica serves cache hits only while `trusted()`: Redis connected, that connection's
 * incarnation checked, and a generation read from the database by a poll that started after
 * that check and less than STALE_MS ago.
 */
@Injectable()
export class CacheGeneration implements OnModuleInit, OnApplicationShutdown {
  static readonly POLL_MS = 250;
  static readonly STALE_MS = 1000;
  private readonly logger = new Logger('Cache');
  private value = 0;
  /** Monotonic times (performance.now()). */
  private connectedAt = Number.POSITIVE_INFINITY;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private polledAt = Number.NEGATIVE_INFINITY;
  private checking = false;
  private polling: Promise<void> | null = null;
  private pollAgain = false;
  private timer?: NodeJS.Timeout;
  private lastLog = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly runner: TransactionRunner,
    @InjectMetric(M.cacheTrusted) private readonly trustedGauge: Gauge,
  ) {}

  async onModuleInit(): Promise<void> {
    const client = this.redis.client;
    if (!client) {
      this.trustedGauge.set(1);
      return;
    }
    client.on('ready', () => {
      this.connectedAt = performance.now();
      void this.checkIncarnation();
    });
    if (client.isReady) {
      this.connectedAt = performance.now();
      await this.checkIncarnation();
    }
    await this.poll();
    this.timer = setInterval(() => {
      if (client.isReady && this.checkedAt < this.connectedAt) void this.checkIncarnation();
      void this.poll();
    }, CacheGeneration.POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The generation this replica knows; entries tagged lower are ignored. */
  get current(): number {
    return this.value;
  }

  /** Whether cache entries may be served (always, for the in-process cache of a single replica). */
  trusted(): boolean {
    const client = this.redis.client;
    if (!client) return true;
    const now = performance.now();
    return (
      client.isReady &&
      this.checkedAt >= this.connectedAt &&
      this.polledAt >= this.checkedAt &&
      now - this.polledAt < CacheGeneration.STALE_MS
    );
  }

  /**
   * Moves the generation on, in the caller's transaction: it commits (or not) with the write
   * that needs it. One of sixteen rows, so concurrent writers rarely wait on each other.
   */
  async bump(em: EntityManager): Promise<void> {
    await em.query(`UPDATE cascade.cache_generation SET n = n + 1 WHERE shard = $1`, [randomInt(SHARDS)]);
  }

  /** Reads the generation now (tests and the reconnect path use it; the timer does the rest). */
  async poll(): Promise<void> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    this.polling = this.pollOnce().finally(() => {
      this.polling = null;
      if (this.pollAgain) {
        this.pollAgain = false;
        void this.poll();
      }
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    const started = performance.now();
    try {
      const rows = await this.runner.run({ role: 'cascade_platform' }, (em) =>
        em.query(`SELECT sum(n)::text AS generation FROM cascade.cache_generation`),
      );
      this.value = Math.max(this.value, Number((rows as { generation: string }[])[0].generation));
      this.polledAt = started;
    } catch (err) {
      this.warn(`cannot read the cache generation (${(err as Error).message}); cache hits are off until it can`);
    } finally {
      this.trustedGauge.set(this.trusted() ? 1 : 0);
    }
  }

  /**
   * After every (re)connect: is this the Redis the cache was written under? If not, move the
   * generation on BEFORE recording the new run_id, so any replica that finds the run_id already
   * recorded also finds the generation moved when it polls.
   */
  private async checkIncarnation(): Promise<void> {
    const client = this.redis.client;
    if (!client || this.checking) return;
    this.checking = true;
    const started = performance.now();
    try {
      const info = await client.info('server');
      const runId = /run_id:([0-9a-f]+)/.exec(info)?.[1] ?? 'unknown';
      if ((await client.get(INCARNATION_KEY)) !== runId) {
        await this.runner.run({ role: 'cascade_platform' }, (em) => this.bump(em));
        await client.set(INCARNATION_KEY, runId);
        this.logger.log('Redis is new or restarted: every entry cached before is ignored from now on');
      }
      if (started >= this.connectedAt) {
        this.checkedAt = performance.now();
        await this.poll();
      }
    } catch (err) {
      this.warn(`cannot check the Redis cache after connecting (${(err as Error).message}); cache hits are off until it can`);
    } finally {
      this.checking = false;
    }
  }

  private warn(message: string): void {
    if (Date.now() - this.lastLog < 10_000) return;
    this.lastLog = Date.now();
    this.logger.warn(message);
  }
}
