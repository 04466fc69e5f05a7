import { ExpiringMap } from '@cascade/core';

/**
 * A small in-process cache with a TTL: the staleness bound when an invalidation message is lost.
 * Keys are grouped by tenant so one tenant's entries can be dropped together.
 */
export class LocalCache<V> {
  private readonly entries: ExpiringMap<{ value: V; tenant: string }>;

  constructor(
    private readonly ttlMs: number,
    maxEntries = 50_000,
  ) {
    this.entries = new ExpiringMap(maxEntries);
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, tenant: string, value: V): void {
    this.entries.set(key, { value, tenant }, Date.now() + this.ttlMs);
  }

  drop(key: string): void {
    this.entries.delete(key);
  }

  dropTenant(tenant: string): void {
    this.entries.deleteWhere((entry) => entry.tenant === tenant);
  }

  clear(): void {
    this.entries.clear();
  }
}
