/**
 * A bounded in-process map whose entries each carry their own expiry: the one shape behind the
 * small caches of tenant lookups, verified tokens, API keys and provider users. An expired entry
 * reads as absent (and is dropped then); when full, the oldest insertion makes room, so a burst
 * of new keys never empties the whole cache at once.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; untilMs: number }>();

  constructor(private readonly maxEntries: number) {}

  get(key: string, nowMs = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.untilMs > nowMs) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` until `untilMs` (epoch milliseconds). */
  set(key: string, value: V, untilMs: number): void {
    // re-inserted, so a refreshed key counts as the newest
    if (!this.entries.delete(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, untilMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
