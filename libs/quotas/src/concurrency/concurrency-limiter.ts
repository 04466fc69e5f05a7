import { Injectable } from '@nestjs/common';

/**
 * Requests in flight per tenant, in this process. The cap protects each replica's pool and
 * event loop, which is what a flood from one tenant threatens; a release is bound to the
 * response's `close` event, which fires once for every response — finished, failed or abandoned.
 */
@Injectable()
export class ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();

  /** A release function, or null when the tenant is at its cap. */
  tryAcquire(tenantId: string, max: number): (() => void) | null {
    const current = this.inFlight.get(tenantId) ?? 0;
    if (current >= max) return null;
    this.inFlight.set(tenantId, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(tenantId) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(tenantId);
      else this.inFlight.set(tenantId, left);
    };
  }

  current(tenantId: string): number {
    return this.inFlight.get(tenantId) ?? 0;
  }
}
