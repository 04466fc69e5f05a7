import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection';

/**
 * The few operations the coherence protocol needs from a key-value store, on raw strings.
 * `swap` is the only conditional one: it is what lets a slow reader or a late writer lose
 * instead of overwriting a newer value.
 */
export interface CellStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Replaces the value only if the key holds `expected` (null: is absent). `next` null deletes. */
  swap(key: string, expected: string | null, next: string | null, ttlMs: number): Promise<boolean>;
  /** Deletes every key starting with `prefix`. */
  deletePrefix(prefix: string): Promise<void>;
}

// Values are JSON, never '', so '' stands for "absent" / "delete".
const SWAP = `local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] == '') or cur == ARGV[1] then
  if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
  return 1
end
return 0`;
const SWAP_SHA = createHash('sha1').update(SWAP).digest('hex');

/** Redis: commands fail fast while it is away (no offline queue) and time out if it hangs. */
export class RedisCellStore implements CellStore {
  constructor(
    private readonly client: RedisClient,
    private readonly timeoutMs = 500,
  ) {}

  get(key: string): Promise<string | null> {
    return this.bounded(this.client.get(key));
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.bounded(this.client.set(key, value, { PX: ttlMs }));
  }

  async swap(key: string, expected: string | null, next: string | null, ttlMs: number): Promise<boolean> {
    const call = { keys: [key], arguments: [expected ?? '', next ?? '', String(ttlMs)] };
    const run = this.client.evalSha(SWAP_SHA, call).catch((err: Error) => {
      if (!/NOSCRIPT/.test(err.message)) throw err;
      return this.client.eval(SWAP, call);
    });
    return (await this.bounded(run)) === 1;
  }

  /** SCAN in batches, never KEYS. */
  async deletePrefix(prefix: string): Promise<void> {
    let batch: string[] = [];
    for await (const key of this.client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      batch.push(String(key));
      if (batch.length >= 500) {
        await this.client.unlink(batch);
        batch = [];
      }
    }
    if (batch.length) await this.client.unlink(batch);
  }

  private bounded<T>(op: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([op, timeout]).finally(() => clearTimeout(timer));
  }
}

/** One process, no Redis: a Map with expiry and the same semantics. */
export class MemoryCellStore implements CellStore {
  private readonly cells = new Map<string, { value: string; until: number }>();

  constructor(private readonly maxEntries = 50_000) {}

  async get(key: string): Promise<string | null> {
    return this.read(key);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async swap(key: string, expected: string | null, next: string | null, ttlMs: number): Promise<boolean> {
    if (this.read(key) !== expected) return false;
    if (next === null) this.cells.delete(key);
    else this.write(key, next, ttlMs);
    return true;
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of this.cells.keys()) if (key.startsWith(prefix)) this.cells.delete(key);
  }

  private read(key: string): string | null {
    const cell = this.cells.get(key);
    if (!cell) return null;
    if (cell.until > Date.now()) return cell.value;
    this.cells.delete(key);
    return null;
  }

  private write(key: string, value: string, ttlMs: number): void {
    if (this.cells.size >= this.maxEntries && !this.cells.has(key)) this.cells.clear();
    this.cells.set(key, { value, until: Date.now() + ttlMs });
  }
}
