import { Injectable, OnModuleInit } from '@nestjs/common';
import { RedisConnection } from './redis-connection';

const CHANNEL = 'cascade:invalidate';
/** "The principal feed changed": receivers read it now (libs/auth PrincipalRegistry). */
const PRINCIPALS = '{"principals":true}';

/** What changed: one tenant (and any extra routing keys that named it), or everything. */
export type TenantChange = { tenant: string; keys: string[] } | 'all';
type Listener = (change: TenantChange) => void;

/**
 * Tells every replica to drop what it remembers in process (tenant status, limits). Without
 * Redis there is one replica, so a local call is all it takes.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit {
  private readonly listeners = new Set<Listener>();
  private readonly principalListeners = new Set<() => void>();

  constructor(private readonly redis: RedisConnection) {}

  async onModuleInit(): Promise<void> {
    const sub = this.redis.subscriber;
    if (!sub) return;
    const subscribe = () => sub.subscribe(CHANNEL, (message) => this.deliver(message)).catch((err: Error) => this.redis.logError(err));
    // Resubscribe after every reconnect: a replica that missed messages while away also flushes.
    sub.on('ready', () => {
      this.deliver('all');
      void subscribe();
    });
    if (sub.isReady) await subscribe();
  }

  onTenantChange(listener: Listener): void {
    this.listeners.add(listener);
  }

  onPrincipalsChanged(listener: () => void): void {
    this.principalListeners.add(listener);
  }

  /** Others only: the replica that changed a principal has read the feed itself already. */
  async principalsChanged(): Promise<void> {
    await this.publish(PRINCIPALS);
  }

  async tenantChanged(tenant: string, keys: string[] = []): Promise<void> {
    const message = JSON.stringify({ tenant, keys });
    this.deliver(message);
    await this.publish(message);
  }

  private async publish(message: string): Promise<void> {
    const client = this.redis.client;
    if (!client) return;
    try {
      await client.publish(CHANNEL, message);
    } catch (err) {
      this.redis.logError(err as Error);
    }
  }

  private deliver(message: string | 'all'): void {
    if (message === PRINCIPALS || message === 'all') for (const l of this.principalListeners) l();
    if (message === PRINCIPALS) return;
    let change: TenantChange = 'all';
    if (message !== 'all') {
      try {
        const parsed = JSON.parse(message) as { tenant?: unknown; keys?: unknown };
        if (typeof parsed.tenant === 'string')
          change = { tenant: parsed.tenant, keys: Array.isArray(parsed.keys) ? parsed.keys.map(String) : [] };
      } catch {
        change = 'all';
      }
    }
    for (const l of this.listeners) l(change);
  }
}
