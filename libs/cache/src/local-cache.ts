/**
 * A small in-process cache with a TTL: the staleness bound when an invalidation message is lost.
 * Keys are grouped by tenant so one tenant's entries can be dropped together.
 */
export class LocalCache<V> {
  private readonly entries = new Map<string, { value: V; until: number; tenant: string }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  set(key: string, tenant: string, value: V): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + this.ttlMs, tenant });
  }

  drop(key: string): void {
    this.entries.delete(key);
  }

  dropTenant(tenant: string): void {
    for (const [key, entry] of this.entries) if (entry.tenant === tenant) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
