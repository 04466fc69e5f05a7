import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { ContextSlot, findRequestContext, isUuid } from '@cascade/core';
import { InjectMetric, M } from '@cascade/metrics';
import { CacheGeneration } from './cache-generation';
import { CellStore, MemoryCellStore, RedisCellStore } from './cell-store';
import { RedisConnection } from './redis-connection';

export const DEFAULT_TTL_MS = 60_000;
/** How long a write's marker keeps readers off a key when the write never settles it. */
export const WRITE_MARKER_TTL_MS = 30_000;
/** How long a reader's claim on a key lasts (one database read). */
export const READ_CLAIM_TTL_MS = 10_000;

/** What a key holds: a value (with the generation its reader saw), a write in progress, or a read in progress. */
type Cell = { g: number; v: unknown } | { w: string } | { r: string };

function parse(raw: string | null): Cell | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as Cell;
  } catch {
    return null;
  }
}

/**
 * A cell lookup started early in the request (by the tenant-limits guard, in the same tick as the
 * rate-limit call, so both leave in one write to Redis), waiting for the route's read to use it.
 */
interface PrefetchedCell {
  key: string;
  raw: Promise<string | null>;
  used: boolean;
}
const PREFETCHED = new ContextSlot<PrefetchedCell>('prefetched cache cell');

/** Called after the writing transaction committed, with what the key now stands for. */
export interface CacheWrite {
  settle<T>(value: T, ttlMs?: number): Promise<void>;
}

/** The cache as one tenant sees it: every key is `tenant:<id>:<key>`, built here, never by callers. */
export interface TenantScopedCache {
  /**
   * A valid cached value, or `load()` (the database), which is then cached unless a write (or a
   * newer generation) got there first. `undefined` from `load` is not cached.
   */
  read<T>(key: string, load: () => Promise<T | undefined>, ttlMs?: number): Promise<T | undefined>;
  /**
   * Call INSIDE the writing transaction, after the change and before commit; call `settle`
   * after commit. If Redis cannot be told, the cache generation moves on in this transaction.
   */
  beginWrite(em: EntityManager, key: string): Promise<CacheWrite>;
  /** A plain lookup (no read-through): the value if it is valid now. */
  get<T>(key: string): Promise<T | undefined>;
  /** A plain store, for values that are not copies of a database row. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /**
   * Starts the lookup of `key` now, for a `read`/`get` of the same key later in this request to
   * use: the caller issues it together with its own Redis call so one round trip carries both.
   */
  prefetch(key: string): void;
}

/**
 * The shared cache: Redis when REDIS_URL is set (every replica), a Map otherwise (one replica).
 * A failing cache is a miss, never an error: the caller reads the database, and a metric and a
 * (rate-limited) log line say so. How it stays coherent through Redis outages: ../README.md.
 */
@Injectable()
export class TenantCache {
  private readonly store: CellStore;

  constructor(
    private readonly redis: RedisConnection,
    private readonly generation: CacheGeneration,
    @InjectMetric(M.cacheRequests) private readonly requests: Counter<'result'>,
    @InjectMetric(M.cacheErrors) private readonly errors: Counter<'operation'>,
  ) {
    this.store = redis.client ? new RedisCellStore(redis.client) : new MemoryCellStore();
  }

  forTenant(tenantId: string): TenantScopedCache {
    if (!isUuid(tenantId)) throw new Error('Cache keys need a tenant id (uuid)');
    const prefix = `tenant:${tenantId.toLowerCase()}:`;
    return {
      read: (key, load, ttlMs) => this.read(prefix + key, load, ttlMs),
      beginWrite: (em, key) => this.beginWrite(em, prefix + key),
      get: async <T>(key: string) => {
        const { value } = await this.lookup<T>(prefix + key);
        this.requests.inc({ result: value === undefined ? 'miss' : 'hit' });
        return value;
      },
      set: async <T>(key: string, value: T, ttlMs = DEFAULT_TTL_MS) => {
        await this.attempt('set', () => this.store.set(prefix + key, JSON.stringify({ g: this.generation.current, v: value }), ttlMs));
      },
      prefetch: (key) => this.prefetch(prefix + key),
    };
  }

  private prefetch(key: string): void {
    const context = findRequestContext();
    if (!context || !this.generation.trusted()) return;
    const raw = this.store.get(key);
    raw.catch(() => undefined); // the route may never ask (refused by a limit); a failure is reported when it does
    context.set(PREFETCHED, { key, raw, used: false });
  }

  /** The prefetched lookup of `key`, once; a later lookup in the same request asks the store again. */
  private takePrefetched(key: string): Promise<string | null> | undefined {
    const prefetched = findRequestContext()?.find(PREFETCHED);
    if (!prefetched || prefetched.used || prefetched.key !== key) return undefined;
    prefetched.used = true;
    return prefetched.raw;
  }

  /** Drops the whole tenant namespace (tenant deletion). */
  async flushTenant(tenantId: string): Promise<void> {
    if (!isUuid(tenantId)) throw new Error('Cache keys need a tenant id (uuid)');
    await this.attempt('flush', () => this.store.deletePrefix(`tenant:${tenantId.toLowerCase()}:`));
  }

  private async lookup<T>(key: string): Promise<{ value?: T; raw: string | null; busy: boolean; failed: boolean }> {
    if (!this.generation.trusted()) return { raw: null, busy: true, failed: false };
    let raw: string | null;
    try {
      raw = await (this.takePrefetched(key) ?? this.store.get(key));
    } catch (err) {
      this.failed('get', err);
      return { raw: null, busy: true, failed: true };
    }
    const cell = parse(raw);
    if (cell && 'g' in cell && cell.g >= this.generation.current) return { value: cell.v as T, raw, busy: false, failed: false };
    // a write or another read holds the key: read the database, leave the key to them
    return { raw, busy: cell !== null && !('g' in cell), failed: false };
  }

  private async read<T>(key: string, load: () => Promise<T | undefined>, ttlMs = DEFAULT_TTL_MS): Promise<T | undefined> {
    const found = await this.lookup<T>(key);
    if (found.value !== undefined) {
      this.requests.inc({ result: 'hit' });
      return found.value;
    }
    if (!found.failed) this.requests.inc({ result: 'miss' });
    if (found.busy) return load();
    // Claim the key before reading the database: a write that starts after this point replaces
    // the claim with its marker, so the fill below (a swap from OUR claim) can only land if no
    // write touched the key since — and the generation recorded now is older than any write
    // that could not reach Redis after it.
    const claim = JSON.stringify({ r: randomUUID() });
    const generation = this.generation.current;
    const claimed = await this.attempt('claim', () => this.store.swap(key, found.raw, claim, READ_CLAIM_TTL_MS));
    const value = await load();
    if (claimed) {
      const next = value === undefined ? null : JSON.stringify({ g: generation, v: value });
      await this.attempt('fill', () => this.store.swap(key, claim, next, ttlMs));
    }
    return value;
  }

  private async beginWrite(em: EntityManager, key: string): Promise<CacheWrite> {
    const marker = JSON.stringify({ w: randomUUID() });
    // Read before commit: a write that commits after this one and could not reach Redis is
    // then never counted in the tag of this write's value (see ../README.md).
    const generation = this.generation.current;
    const marked = await this.attempt('write', async () => {
      await this.store.set(key, marker, WRITE_MARKER_TTL_MS);
      return true;
    });
    if (!marked) {
      // Redis may still hold the old value and nobody else knows: move the generation on, in
      // this transaction, so the write and the news that caches are suspect commit together.
      await this.generation.bump(em);
      return { settle: async () => undefined };
    }
    return {
      settle: async <T>(value: T, ttlMs = DEFAULT_TTL_MS) => {
        // Only over our own marker: a later write's marker (or value) must win.
        await this.attempt('settle', () => this.store.swap(key, marker, JSON.stringify({ g: generation, v: value }), ttlMs));
      },
    };
  }

  /** Runs a cache operation; a failure is counted and logged, and reads as `false`. */
  private async attempt<R>(operation: string, op: () => Promise<R>): Promise<R | false> {
    try {
      return await op();
    } catch (err) {
      this.failed(operation, err);
      return false;
    }
  }

  private failed(operation: string, err: unknown): void {
    this.requests.inc({ result: 'error' });
    this.errors.inc({ operation });
    this.redis.logError(err as Error);
  }
}
